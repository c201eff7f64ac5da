package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.Json;
import dev.prodstack.testsupport.SecurityHeaders;
import io.restassured.http.Header;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every response through nginx promises: security headers, a request id, JSON errors. */
final class EdgeAssertions {

    private EdgeAssertions() {}

    /** The edge's header contract (test-support's SecurityHeaders) on a response through nginx. */
    static void assertSecurityHeaders(Response response, String what) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
        }
        SecurityHeaders.assertOn(headers, response.statusCode(), what);
    }

    /** An error body is JSON {code, message, request_id}, never HTML or a stack trace. */
    static JsonNode assertJsonError(Response response, int expectedStatus, String what) {
        assertThat(response.statusCode())
                .as("%s: status; body %s", what, Json.abbreviate(response.asString()))
                .isEqualTo(expectedStatus);
        return assertJsonErrorBody(response, what);
    }

    static JsonNode assertJsonErrorBody(Response response, String what) {
        String body = response.asString();
        assertThat(response.getContentType()).as("%s: error content type", what).startsWith("application/json");
        JsonNode json = Json.parseOrNull(body);
        assertThat(json)
                .as("%s: error body is JSON: %s", what, Json.abbreviate(body))
                .isNotNull();
        assertThat(json.isObject())
                .as("%s: error body is an object: %s", what, body)
                .isTrue();
        assertThat(json.has("code")).as("%s: error has a code: %s", what, body).isTrue();
        assertThat(json.has("message"))
                .as("%s: error has a message: %s", what, body)
                .isTrue();
        assertThat(json.path("request_id").asText())
                .as("%s: error's request_id matches X-Request-ID", what)
                .isEqualTo(response.getHeader("X-Request-ID"));
        assertThat(body)
                .as("%s: no stack trace in the body", what)
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("<html");
        return json;
    }
}
