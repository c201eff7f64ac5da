package dev.prodstack.service.errors;

import dev.prodstack.service.api.ErrorResponse;
import dev.prodstack.service.http.PayloadTooLargeException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAX-RS exceptions (404, 405, 406, 415, our own 4xx): keep the status and headers such as Allow, replace the
 * body with the JSON error shape. Our own messages are kept; Jersey's generic "HTTP 404 Not Found" becomes the
 * reason phrase.
 */
public final class WebApplicationExceptionMapper implements jakarta.ws.rs.ext.ExceptionMapper<WebApplicationException> {
    private static final Logger LOG = LoggerFactory.getLogger(WebApplicationExceptionMapper.class);

    @Override
    public Response toResponse(WebApplicationException error) {
        if (Causes.find(error, PayloadTooLargeException.class).isPresent()) {
            return ErrorResponses.of(413, "payload too large");
        }
        final Response original = error.getResponse();
        if (original.getEntity() instanceof ErrorResponse) {
            return original;
        }
        final int status = original.getStatus();
        if (status >= 500) {
            LOG.error("request failed", error);
        }
        return Response.fromResponse(original)
                .entity(ErrorResponses.of(status, message(error, status)).getEntity())
                .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    private static String message(WebApplicationException error, int status) {
        final String message = error.getMessage();
        if (status < 500 && message != null && !message.startsWith("HTTP ") && error.getCause() == null) {
            return message;
        }
        final Response.StatusType type = Response.Status.fromStatusCode(status);
        return type == null ? "error" : type.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
    }
}
