package dev.prodstack.service.resources;

import dev.prodstack.service.cache.UserCache;
import dev.prodstack.service.http.RequestMetricsFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The cache hit of {@code GET /users/{id}}, the API's hottest request, answered at the servlet level instead of
 * through Jersey: the same status, headers and bytes as {@link UserResource#get}, without Jersey's matching,
 * injection and entity-provider machinery, which was a third of the CPU of a cached read (JFR, scripts/bench.sh).
 * It is the last filter (ProdstackApplication adds it behind Dropwizard's), so a hit has its request id, metrics
 * and thread name like any request. Only the plain form takes this path: GET, a canonical decimal id, and an
 * Accept header that is absent, *&#47;* or application/json. Everything else (misses, HEAD, odd ids, other media
 * types) goes to Jersey unchanged, and a miss tells {@link UserResource} that Redis was already asked.
 */
public final class CachedUserReadFilter implements Filter {
    /** Request attribute: this filter asked the cache for the user and it had none. */
    static final String CACHE_MISSED = "prodstack.user_cache_missed";

    private static final String PREFIX = "/users/";
    private static final String ROUTE = "/users/{id}";
    private static final String JSON = "application/json";
    /** Long.MAX_VALUE has 19 digits. */
    private static final int MAX_DIGITS = 19;

    private final UserCache cache;

    public CachedUserReadFilter(UserCache cache) {
        this.cache = cache;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        final HttpServletRequest request = (HttpServletRequest) req;
        final long id = plainReadOf(request);
        if (id > 0) {
            final Optional<byte[]> json = cache.getJson(id);
            if (json.isPresent()) {
                send((HttpServletResponse) res, json.get());
                request.setAttribute(RequestMetricsFilter.ROUTE_ATTRIBUTE, ROUTE);
                return;
            }
            request.setAttribute(CACHE_MISSED, Boolean.TRUE);
        }
        chain.doFilter(req, res);
    }

    private static void send(HttpServletResponse response, byte[] json) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(JSON);
        response.setHeader(UserResource.CACHE_HEADER, "HIT");
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    /** The id of a plain cached-read request, or 0 when Jersey must decide. */
    static long plainReadOf(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || !acceptsJson(request.getHeader("Accept"))) {
            return 0;
        }
        return canonicalId(request.getRequestURI());
    }

    static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("*/*") || accept.equals(JSON);
    }

    /** 1 to Long.MAX_VALUE written without sign, leading zero or anything else; 0 otherwise. */
    static long canonicalId(String uri) {
        if (uri == null || !uri.startsWith(PREFIX)) {
            return 0;
        }
        final int digits = uri.length() - PREFIX.length();
        if (digits < 1 || digits > MAX_DIGITS || uri.charAt(PREFIX.length()) == '0') {
            return 0;
        }
        for (int i = PREFIX.length(); i < uri.length(); i++) {
            if (uri.charAt(i) < '0' || uri.charAt(i) > '9') {
                return 0;
            }
        }
        try {
            return Long.parseLong(uri, PREFIX.length(), uri.length(), 10);
        } catch (NumberFormatException beyondLong) {
            return 0;
        }
    }
}
