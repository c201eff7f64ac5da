package dev.prodstack.service.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.request.logging.RequestLogFactory;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code server.requestLog.type: json-lines}: the access log as JSON lines on stdout ({@link JsonRequestLog}).
 * The replica's own warm-up requests are left out.
 */
@JsonTypeName("json-lines")
public final class JsonRequestLogFactory implements RequestLogFactory<JsonRequestLog> {
    /** Lines waiting for stdout before request threads wait too (about 300 bytes each). */
    @Min(16)
    @JsonProperty
    private int queueSize = 8192;

    /** Request attributes written under {@code requestAttributes}, when the request has them. */
    @NotNull
    @JsonProperty
    private List<String> requestAttributes = List.of();

    /** Constant fields appended to every line, in this order. */
    @NotNull
    @JsonProperty
    private Map<String, String> additionalFields = new LinkedHashMap<>();

    @Override
    public boolean isEnabled() {
        return true;
    }

    @Override
    public JsonRequestLog build(String name) {
        return new JsonRequestLog(System.out, queueSize, requestAttributes, additionalFields);
    }
}
