package dev.prodstack.service.api;

import dev.prodstack.service.api.ErrorResponse.FieldError;
import java.util.List;

/** Request parameters that fail their rules, each named with why; answered 422 with the field errors. */
public final class InvalidParametersException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidParametersException(List<FieldError> errors) {
        super("invalid parameters: " + errors);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
