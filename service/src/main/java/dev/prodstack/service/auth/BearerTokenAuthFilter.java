package dev.prodstack.service.auth;

import io.dropwizard.auth.AuthFilter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code Authorization: Bearer <token>} only. Dropwizard's OAuthCredentialAuthFilter also takes the token
 * from an {@code access_token} query parameter, which would put it in access logs and proxy logs.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenAuthFilter extends AuthFilter<String, Admin> {
    private static final String SCHEME = "Bearer";

    @Override
    public void filter(ContainerRequestContext request) {
        if (!authenticate(
                request, credentials(request.getHeaderString(HttpHeaders.AUTHORIZATION)), SecurityContext.BASIC_AUTH)) {
            throw unauthorizedHandler.buildException(prefix, realm);
        }
    }

    static String credentials(String header) {
        if (header == null) {
            return null;
        }
        final int space = header.indexOf(' ');
        if (space <= 0 || !SCHEME.equalsIgnoreCase(header.substring(0, space))) {
            return null;
        }
        final String token = header.substring(space + 1).trim();
        return token.isEmpty() ? null : token;
    }

    public static final class Builder extends AuthFilterBuilder<String, Admin, BearerTokenAuthFilter> {
        @Override
        protected BearerTokenAuthFilter newInstance() {
            return new BearerTokenAuthFilter();
        }
    }
}
