package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.Json;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every response through nginx promises: security headers, a request id, JSON errors. */
final class EdgeAssertions {

    /** Header -> expected value (null: present with any value). */
    static final Map<String, String> SECURITY_HEADERS = new LinkedHashMap<>();

    static {
        SECURITY_HEADERS.put("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        SECURITY_HEADERS.put("X-Frame-Options", "DENY");
        SECURITY_HEADERS.put("X-Content-Type-Options", "nosniff");
        SECURITY_HEADERS.put("Referrer-Policy", "no-referrer");
        SECURITY_HEADERS.put("Content-Security-Policy", null);
        SECURITY_HEADERS.put("X-Request-ID", null);
    }

    private EdgeAssertions() {
    }

    static void assertSecurityHeaders(Response response, String what) {
        SECURITY_HEADERS.forEach((header, expected) -> {
            assertThat(response.getHeaders().getValues(header))
                    .as("%s (status %d) carries exactly one %s header", what, response.statusCode(), header)
                    .hasSize(1);
            if (expected != null) {
                assertThat(response.getHeader(header)).as("%s: %s", what, header).isEqualTo(expected);
            }
        });
        assertThat(response.getHeader("Server")).as("%s: Server header without a version", what)
                .satisfiesAnyOf(server -> assertThat(server).isNull(),
                        server -> assertThat(server).doesNotContainPattern("[0-9]"));
        assertThat(response.getHeader("X-Powered-By")).as("%s: no X-Powered-By", what).isNull();
    }

    /** An error body is JSON {code, message, request_id}, never HTML or a stack trace. */
    static JsonNode assertJsonError(Response response, int expectedStatus, String what) {
        assertThat(response.statusCode()).as("%s: status; body %s", what, Json.abbreviate(response.asString()))
                .isEqualTo(expectedStatus);
        return assertJsonErrorBody(response, what);
    }

    static JsonNode assertJsonErrorBody(Response response, String what) {
        String body = response.asString();
        assertThat(response.getContentType()).as("%s: error content type", what).startsWith("application/json");
        JsonNode json = Json.parseOrNull(body);
        assertThat(json).as("%s: error body is JSON: %s", what, Json.abbreviate(body)).isNotNull();
        assertThat(json.isObject()).as("%s: error body is an object: %s", what, body).isTrue();
        assertThat(json.has("code")).as("%s: error has a code: %s", what, body).isTrue();
        assertThat(json.has("message")).as("%s: error has a message: %s", what, body).isTrue();
        assertThat(json.path("request_id").asText()).as("%s: error's request_id matches X-Request-ID", what)
                .isEqualTo(response.getHeader("X-Request-ID"));
        assertThat(body).as("%s: no stack trace in the body", what)
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("<html");
        return json;
    }
}
