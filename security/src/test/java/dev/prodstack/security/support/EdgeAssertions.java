package dev.prodstack.security.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** What every response of the edge must carry, and the shape of the errors nginx writes itself. */
public final class EdgeAssertions {

    /** Headers with one fixed value on every response, whatever the path or status. */
    public static final Map<String, String> FIXED_HEADERS = Map.of(
            "Strict-Transport-Security", "max-age=63072000; includeSubDomains",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                    + "microphone=(), payment=(), usb=()",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeAssertions() {
    }

    public static void assertSecurityHeaders(HttpResponse<?> response) {
        assertSecurityHeaders(response.headers().map(), response.statusCode());
    }

    public static void assertSecurityHeaders(RawHttp.Response response) {
        assertSecurityHeaders(response.headers(), response.status());
    }

    /** Each security header exactly once, a request id, and nothing that names the software behind. */
    public static void assertSecurityHeaders(Map<String, List<String>> headers, int status) {
        FIXED_HEADERS.forEach((name, value) -> assertThat(values(headers, name))
                .as("%s on a %d response", name, status)
                .containsExactly(value));
        assertThat(values(headers, "Content-Security-Policy"))
                .as("one Content-Security-Policy on a %d response", status)
                .singleElement().asString()
                .contains("default-src 'none'", "frame-ancestors 'none'");
        assertThat(values(headers, "X-Request-ID"))
                .as("exactly one X-Request-ID on a %d response", status)
                .singleElement().asString().isNotBlank();
        assertThat(values(headers, "Server")).as("Server without a version").containsExactly("nginx");
        assertThat(values(headers, "X-Powered-By")).as("no X-Powered-By").isEmpty();
    }

    public static void assertJsonError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as("JSON error of %s", response.uri())
                .hasValue("application/json");
        assertJsonErrorBody(response.body(), status, message, response.headers().firstValue("X-Request-ID").orElseThrow());
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
        assertThat(error.path("request_id").asText()).as("request_id in %s", body).isEqualTo(requestId);
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        // java.net.http gives a case-insensitive map; RawHttp builds one too.
        return headers.getOrDefault(name, List.of());
    }
}
