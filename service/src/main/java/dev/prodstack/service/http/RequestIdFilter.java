package dev.prodstack.service.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;

/**
 * First filter of the application: gives the request its id, in the response header, in the MDC (so every
 * log line written while serving it carries {@code request_id}) and as a request attribute (so the access log,
 * written after the MDC is cleared, carries it too). On the way out it also catches error responses that
 * carry no body at all (Dropwizard's asset servlet resets the response for a missing file) and has Jetty's
 * error handler write the JSON error for them.
 */
public final class RequestIdFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        final HttpServletRequest request = (HttpServletRequest) req;
        final String id = RequestIds.resolve(request.getHeader(RequestIds.HEADER));
        request.setAttribute(RequestIds.KEY, id);
        ((HttpServletResponse) res).setHeader(RequestIds.HEADER, id);
        MDC.put(RequestIds.KEY, id);
        try {
            chain.doFilter(req, res);
            final HttpServletResponse response = (HttpServletResponse) res;
            if (!response.isCommitted() && response.getStatus() >= 400 && response.getContentType() == null) {
                response.sendError(response.getStatus());
            }
        } finally {
            MDC.remove(RequestIds.KEY);
        }
    }
}
