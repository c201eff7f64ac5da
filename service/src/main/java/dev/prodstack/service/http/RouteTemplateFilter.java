package dev.prodstack.service.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.List;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Records the matched JAX-RS route template (e.g. {@code /users/{id}}) as a request property, which Jersey
 * stores as a servlet request attribute for {@link RequestMetricsFilter}. Runs after matching, so unmatched
 * requests have none.
 */
public final class RouteTemplateFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getUriInfo() instanceof ExtendedUriInfo uriInfo) {
            request.setProperty(RequestMetricsFilter.ROUTE_ATTRIBUTE, template(uriInfo.getMatchedTemplates()));
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
