package dev.prodstack.service.errors;

import dev.prodstack.service.http.PayloadTooLargeException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
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
        LOG.error("unhandled error", error);
        return ErrorResponses.of(500, "internal server error");
    }
}
