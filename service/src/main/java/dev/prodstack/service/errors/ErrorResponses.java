package dev.prodstack.service.errors;

import dev.prodstack.service.api.ErrorResponse;
import dev.prodstack.service.api.ErrorResponse.FieldError;
import dev.prodstack.service.http.RequestIds;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds the JSON error responses that every exception mapper returns. */
public final class ErrorResponses {
    private ErrorResponses() {}

    public static Response of(int status, String message) {
        return of(status, message, null);
    }

    public static Response of(int status, String message, List<FieldError> errors) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse(status, message, RequestIds.current(), errors))
                .build();
    }

    public static Response invalid(List<FieldError> errors) {
        return of(422, "invalid request", errors);
    }
}
