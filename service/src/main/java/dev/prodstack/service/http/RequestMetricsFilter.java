package dev.prodstack.service.http;

import dev.prodstack.service.core.Readiness;
import dev.prodstack.service.core.RequestStats;
import dev.prodstack.service.metrics.AppMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Times every application request into {@code http_server_requests_seconds} and the seed's totals. Runs at the
 * servlet level so requests that never reach a resource (404s, 405s, 413s, static docs assets) are counted too;
 * the route label comes from {@link RouteTemplateFilter}, so it is a template and the label set stays bounded.
 * The replica's own warm-up requests are not client traffic: they are left out, and marked for the access log.
 */
public final class RequestMetricsFilter implements Filter {
    public static final String ROUTE_ATTRIBUTE = "prodstack.route";
    /** Request attribute on warm-up requests; {@link JsonRequestLog} keeps them out of the access log. */
    public static final String WARM_UP_ATTRIBUTE = "prodstack.warm_up";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final AppMetrics metrics;
    private final RequestStats stats;
    private final Readiness readiness;

    public RequestMetricsFilter(AppMetrics metrics, RequestStats stats, Readiness readiness) {
        this.metrics = metrics;
        this.stats = stats;
        this.readiness = readiness;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (readiness.isWarmUpRequest(((HttpServletRequest) req).getHeader(Readiness.WARM_UP_HEADER))) {
            req.setAttribute(WARM_UP_ATTRIBUTE, "true");
            chain.doFilter(req, res);
            return;
        }
        final long start = arrival(req);
        boolean failed = true;
        try {
            chain.doFilter(req, res);
            failed = false;
        } finally {
            final HttpServletRequest request = (HttpServletRequest) req;
            final int status = failed ? 500 : ((HttpServletResponse) res).getStatus();
            stats.record(status);
            metrics.recordRequest(method(request), route(request, status), status, (System.nanoTime() - start) / 1e9);
        }
    }

    /** When Jetty began to read the request: the time it waited for a ConcurrencyLimit slot counts too. */
    private static long arrival(ServletRequest req) {
        final ServletContextRequest request = ServletContextRequest.getServletContextRequest(req);
        return request == null ? System.nanoTime() : request.getBeginNanoTime();
    }

    private static String method(HttpServletRequest request) {
        return METHODS.contains(request.getMethod()) ? request.getMethod() : "other";
    }

    /** The JAX-RS template, else the servlet mapping of a non-Jersey servlet (docs assets), else "unmatched". */
    private static String route(HttpServletRequest request, int status) {
        if (request.getAttribute(ROUTE_ATTRIBUTE) instanceof String route) {
            return route;
        }
        final String pattern = request.getHttpServletMapping() == null
                ? null
                : request.getHttpServletMapping().getPattern();
        if (status != 404 && pattern != null && !pattern.equals("/*") && !pattern.equals("/")) {
            return pattern;
        }
        return "unmatched";
    }
}
