package dev.prodstack.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The one error shape of the API: every non-2xx answer, from Jersey or from Jetty, has this body. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResponse(
        @JsonProperty("code") int code,
        @JsonProperty("message") String message,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("errors") List<FieldError> errors) {

    /** One invalid input: the JSON field (or query parameter) and what is wrong with it. */
    public record FieldError(
            @JsonProperty("field") String field,
            @JsonProperty("message") String message) {}
}
