package dev.prodstack.service.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Records the matched JAX-RS route template (e.g. {@code /users/{id}}) as a request property, which Jersey
 * stores as a servlet request attribute for {@link RequestMetricsFilter}. Runs after matching, so unmatched
 * requests have none. A resource method is always reached through the same templates (no sub-resource locator
 * serves two routes here), so its route is built once and kept: building it took two regular expressions and a
 * StringBuilder on every request.
 */
public final class RouteTemplateFilter implements ContainerRequestFilter {
    /** One entry per resource method of the application: bounded. */
    private final Map<ResourceMethod, String> routes = new ConcurrentHashMap<>();

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getUriInfo() instanceof ExtendedUriInfo uriInfo) {
            final ResourceMethod method = uriInfo.getMatchedResourceMethod();
            final String route = method == null
                    ? template(uriInfo.getMatchedTemplates())
                    : routes.computeIfAbsent(method, matched -> template(uriInfo.getMatchedTemplates()));
            request.setProperty(RequestMetricsFilter.ROUTE_ATTRIBUTE, route);
        }
    }

    /** Jersey lists the matched templates innermost first. */
    static String template(List<UriTemplate> matched) {
        final StringBuilder route = new StringBuilder();
        for (int i = matched.size() - 1; i >= 0; i--) {
            final String part = matched.get(i).getTemplate();
            if (!part.isEmpty() && !part.equals("/")) {
                route.append(part.startsWith("/") ? "" : "/").append(part);
            }
        }
        return route.length() == 0
                ? "/"
                : route.toString().replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }
}
