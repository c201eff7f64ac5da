package dev.prodstack.service.auth;

import dev.prodstack.service.errors.ErrorResponses;
import io.dropwizard.auth.UnauthorizedHandler;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** 401 in the API's JSON error shape (Dropwizard's default is plain text), with the challenge header. */
final class JsonUnauthorizedHandler implements UnauthorizedHandler {
    @Override
    public Response buildResponse(String prefix, String realm) {
        return Response.fromResponse(
                        ErrorResponses.of(401, "a valid 'Authorization: Bearer <token>' header is required"))
                .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
                .build();
    }
}
