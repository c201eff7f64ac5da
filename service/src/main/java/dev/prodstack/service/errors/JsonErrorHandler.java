package dev.prodstack.service.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.service.api.ErrorResponse;
import dev.prodstack.service.http.RequestIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Replaces Jetty's HTML error pages: errors Jetty answers itself (unknown or malformed URIs, 413/414/431,
 * methods refused by a filter, {@code sendError} from servlets) get the same JSON body and X-Request-ID as
 * errors from Jersey, whatever the Accept header or the method.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private final ObjectMapper mapper;

    public JsonErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
        setShowStacks(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        final String requestId = requestId(request, response);
        final ErrorResponse body = new ErrorResponse(code, reason(code), requestId, null);
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(mapper.writeValueAsBytes(body)), callback);
    }

    /** The id the request filter chose if the request got that far, else the client's (if valid) or a new one. */
    private static String requestId(Request request, Response response) {
        if (request.getAttribute(RequestIds.KEY) instanceof String id) {
            return id;
        }
        final String echoed = response.getHeaders().get(RequestIds.HEADER);
        final String id = echoed != null
                ? echoed
                : RequestIds.resolve(request.getHeaders().get(RequestIds.HEADER));
        // Seen by the access log, which reads the request attribute.
        request.setAttribute(RequestIds.KEY, id);
        return id;
    }

    private static String reason(int code) {
        final String reason = HttpStatus.getMessage(code);
        return reason == null ? "error" : reason.toLowerCase(java.util.Locale.ROOT);
    }
}
