package dev.prodstack.service;

import io.dropwizard.core.setup.Environment;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;

/** "METHOD /path" for every JAX-RS resource method the running application serves. */
final class ResourceMethods {
    private ResourceMethods() {}

    static List<String> of(Environment environment) {
        final List<String> methods = new ArrayList<>();
        // Dropwizard registers resource instances by their class (and binds the instance to it).
        for (Class<?> type : environment.jersey().getResourceConfig().getClasses()) {
            if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                collect(Resource.from(type), "", methods);
            }
        }
        return methods;
    }

    private static void collect(Resource resource, String parentPath, List<String> methods) {
        final String path = join(parentPath, resource.getPath());
        for (ResourceMethod method : resource.getResourceMethods()) {
            methods.add(method.getHttpMethod() + " " + path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, methods);
        }
    }

    private static String join(String parent, String path) {
        final String joined = (parent + "/" + (path == null ? "" : path)).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
