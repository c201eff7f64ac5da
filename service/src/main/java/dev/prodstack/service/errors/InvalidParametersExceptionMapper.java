package dev.prodstack.service.errors;

import dev.prodstack.service.api.InvalidParametersException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** {@link InvalidParametersException} (the api layer's own check of query parameters) as the 422 JSON error. */
public final class InvalidParametersExceptionMapper implements ExceptionMapper<InvalidParametersException> {
    @Override
    public Response toResponse(InvalidParametersException error) {
        return ErrorResponses.invalid(error.errors());
    }
}
