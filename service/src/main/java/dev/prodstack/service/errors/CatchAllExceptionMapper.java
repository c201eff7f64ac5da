package dev.prodstack.service.errors;

import dev.prodstack.service.http.PayloadTooLargeException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.CharConversionException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whatever no other mapper claims. The client gets a generic 500 with the request id; the stack trace goes
 * to the log (with the same request id), never into the response.
 */
public final class CatchAllExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(CatchAllExceptionMapper.class);

    @Override
    public Response toResponse(Throwable error) {
        if (Causes.find(error, PayloadTooLargeException.class).isPresent()) {
            return ErrorResponses.of(413, "payload too large");
        }
        if (Causes.find(error, EofException.class).isPresent()) {
            // The client went away mid-body: nothing to fix on our side.
            LOG.debug("incomplete request body", error);
            return ErrorResponses.of(400, "incomplete request body");
        }
        if (Causes.find(error, CharConversionException.class).isPresent()) {
            // Jackson guesses a body's encoding from its first bytes (RFC 4627): one that starts like UTF-32 but
            // holds no valid character fails in its decoder with an IOException, not a JSON parse error.
            return ErrorResponses.of(400, "malformed JSON");
        }
        LOG.error("unhandled error", error);
        return ErrorResponses.of(500, "internal server error");
    }
}
