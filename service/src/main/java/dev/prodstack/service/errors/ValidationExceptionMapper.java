package dev.prodstack.service.errors;

import dev.prodstack.service.api.ErrorResponse.FieldError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Comparator;
import java.util.List;

/** Bean Validation failures on a request body: 422 with one entry per invalid field. */
public final class ValidationExceptionMapper implements ExceptionMapper<ConstraintViolationException> {
    @Override
    public Response toResponse(ConstraintViolationException error) {
        final List<FieldError> errors = error.getConstraintViolations().stream()
                .map(violation -> new FieldError(field(violation), violation.getMessage()))
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
                .toList();
        return ErrorResponses.invalid(errors);
    }

    /** "username" for a field of the body; "body" when the body itself is missing. */
    private static String field(ConstraintViolation<?> violation) {
        Path.Node last = null;
        for (Path.Node node : violation.getPropertyPath()) {
            last = node;
        }
        if (last == null || last.getKind() == ElementKind.PARAMETER || last.getKind() == ElementKind.RETURN_VALUE) {
            return "body";
        }
        return last.getName();
    }
}
