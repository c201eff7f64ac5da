package dev.prodstack.security.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.testsupport.SecurityHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** The header contract on the edge's responses, and the shape of the errors nginx writes itself. */
public final class EdgeAssertions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeAssertions() {}

    public static void assertSecurityHeaders(HttpResponse<?> response) {
        assertSecurityHeaders(response.headers().map(), response.statusCode());
    }

    public static void assertSecurityHeaders(RawHttp.Response response) {
        assertSecurityHeaders(response.headers(), response.status());
    }

    /** The edge's header contract (test-support's SecurityHeaders). */
    public static void assertSecurityHeaders(Map<String, List<String>> headers, int status) {
        SecurityHeaders.assertOn(headers, status, "a " + status + " response");
    }

    public static void assertJsonError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .as("JSON error of %s", response.uri())
                .hasValue("application/json");
        assertJsonErrorBody(
                response.body(),
                status,
                message,
                response.headers().firstValue("X-Request-ID").orElseThrow());
    }

    public static void assertJsonError(RawHttp.Response response, int status, String message) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertJsonErrorBody(response.body(), status, message, response.header("X-Request-ID"));
    }

    /** {"code":..,"message":..,"request_id":..} whose request id is the one in the X-Request-ID header. */
    public static void assertJsonErrorBody(String body, int status, String message, String requestId) {
        JsonNode error = parse(body);
        assertThat(error.path("code").asInt()).as("code in %s", body).isEqualTo(status);
        assertThat(error.path("message").asText()).as("message in %s", body).isEqualTo(message);
        assertThat(error.path("request_id").asText())
                .as("request_id in %s", body)
                .isEqualTo(requestId);
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
