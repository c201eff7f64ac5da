package dev.prodstack.service.errors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.prodstack.service.api.ErrorResponse.FieldError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bodies that are not the JSON we expect. Unreadable JSON is a 400; well-formed JSON with a wrong field
 * (unknown name, null, wrong type) is a 422 naming the field. Jackson's own messages are not returned:
 * they quote the input and name Java classes.
 */
public final class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonExceptionMapper.class);

    @Override
    public Response toResponse(JsonProcessingException error) {
        if (error instanceof InvalidDefinitionException) {
            // Our types cannot be (de)serialized: a bug, not bad input.
            LOG.error("JSON mapping is broken", error);
            return ErrorResponses.of(500, "internal server error");
        }
        if (Causes.find(error, StreamReadException.class).isPresent()) {
            // Unreadable JSON, even when Jackson reports it against the field it was reading.
            return ErrorResponses.of(400, "malformed JSON");
        }
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return ErrorResponses.invalid(List.of(new FieldError(path(mapping), problem(mapping))));
        }
        if (error instanceof MismatchedInputException) {
            return ErrorResponses.of(400, "request body must be a single JSON object");
        }
        return ErrorResponses.of(400, "malformed JSON");
    }

    private static String path(JsonMappingException error) {
        return error.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String problem(JacksonException error) {
        if (error instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (error instanceof InvalidNullException) {
            return "must not be null";
        }
        return "has the wrong type (expected a string)";
    }
}
