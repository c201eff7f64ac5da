package dev.prodstack.service.http;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Refuses path parameters ({@code /users/7;x}, {@code ;x=y}) and encoded semicolons ({@code %3B}) with a 400.
 * Jersey would otherwise strip {@code ;x} and answer user 7, while {@code 7%3B} fails to parse and becomes a
 * 404: two answers for one oddity, decided by the decoder. No route of ours takes matrix parameters, and nginx
 * forwards the raw path unchanged, so the edge gives the same 400.
 */
@PreMatching
public final class PathParametersFilter implements ContainerRequestFilter {
    static final String MESSAGE = "path parameters are not supported";

    @Override
    public void filter(ContainerRequestContext request) {
        if (hasPathParameters(request.getUriInfo().getRequestUri().getRawPath())) {
            throw new BadRequestException(MESSAGE);
        }
    }

    /** Without an upper-cased copy of every request's path: most have no '%' at all. */
    static boolean hasPathParameters(String rawPath) {
        if (rawPath == null) {
            return false;
        }
        if (rawPath.indexOf(';') >= 0) {
            return true;
        }
        for (int at = rawPath.indexOf('%'); at >= 0; at = rawPath.indexOf('%', at + 1)) {
            if (rawPath.regionMatches(true, at, "%3B", 0, 3)) {
                return true;
            }
        }
        return false;
    }
}
