package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;

/**
 * A corpus of malformed, hostile and out-of-range requests through nginx: never a 5xx, always a
 * JSON error body with the request id, never a stack trace or an HTML page.
 */
@Order(70)
class BadInputThroughEdgeIT extends AbstractAcceptanceTest {

    private static final Map<Integer, Integer> STATUSES = new TreeMap<>();
    private static long existingId;

    record Case(
            String name,
            String method,
            String path,
            String contentType,
            String body,
            boolean admin,
            Map<String, String> headers) {

        static Case post(String name, String body) {
            return new Case(name, "POST", "/users", "application/json", body, false, Map.of());
        }

        static Case get(String name, String path) {
            return new Case(name, "GET", path, null, null, false, Map.of());
        }

        static Case patch(String name, String body) {
            return new Case(name, "PATCH", "/users/{existing}", "application/json", body, true, Map.of());
        }
    }

    @BeforeAll
    static void existingUser() {
        existingId = createUser("badinput");
    }

    static List<Case> corpus() {
        String longName = "a".repeat(51);
        List<Case> cases = new ArrayList<>(List.of(
                // malformed JSON
                Case.post("empty body", ""),
                Case.post("truncated object", "{\"username\": \"abc\""),
                Case.post("trailing comma", "{\"username\":\"abc_def\",\"email\":\"a@example.com\",}"),
                Case.post("single quotes", "{'username':'abc_def','email':'a@example.com'}"),
                Case.post("bare word", "hello"),
                Case.post("NaN literal", "{\"username\":NaN,\"email\":\"a@example.com\"}"),
                Case.post("unclosed string", "{\"username\":\"abc"),
                Case.post("binary garbage", "\u0000\u0001\u0002\u00ff"),
                Case.post("deeply nested", "[".repeat(5000) + "]".repeat(5000)),
                Case.post("comment", "/* x */ {\"username\":\"abc_def\",\"email\":\"a@example.com\"}"),
                // wrong JSON shapes and types
                Case.post("json null", "null"),
                Case.post("json array", "[{\"username\":\"abc_def\",\"email\":\"a@example.com\"}]"),
                Case.post("json string", "\"abc\""),
                Case.post("json number", "42"),
                Case.post("empty object", "{}"),
                Case.post("username missing", "{\"email\":\"a@example.com\"}"),
                Case.post("email missing", "{\"username\":\"abc_def\"}"),
                Case.post("username null", "{\"username\":null,\"email\":\"a@example.com\"}"),
                Case.post("username number", "{\"username\":12345,\"email\":\"n@example.com\"}"),
                Case.post("username object", "{\"username\":{\"a\":1},\"email\":\"a@example.com\"}"),
                Case.post("username array", "{\"username\":[\"a\"],\"email\":\"a@example.com\"}"),
                Case.post("email boolean", "{\"username\":\"abc_def\",\"email\":true}"),
                Case.post("username empty", "{\"username\":\"\",\"email\":\"a@example.com\"}"),
                Case.post("username blank", "{\"username\":\"   \",\"email\":\"a@example.com\"}"),
                Case.post("username too short", "{\"username\":\"ab\",\"email\":\"a@example.com\"}"),
                Case.post("username too long", "{\"username\":\"" + longName + "\",\"email\":\"a@example.com\"}"),
                Case.post("username with spaces", "{\"username\":\"a b c\",\"email\":\"a@example.com\"}"),
                Case.post(
                        "username sql injection",
                        "{\"username\":\"x'; DROP TABLE users; --\",\"email\":\"a@example.com\"}"),
                Case.post("username html", "{\"username\":\"<script>alert(1)</script>\",\"email\":\"a@example.com\"}"),
                Case.post(
                        "username unicode",
                        "{\"username\":\"\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9\",\"email\":\"a@example.com\"}"),
                Case.post(
                        "username emoji",
                        "{\"username\":\"\ud83d\ude00\ud83d\ude00\ud83d\ude00\",\"email\":\"a@example.com\"}"),
                Case.post("username NUL", "{\"username\":\"abc\\u0000def\",\"email\":\"a@example.com\"}"),
                Case.post("username newline", "{\"username\":\"abc\\ndef\",\"email\":\"a@example.com\"}"),
                Case.post("email without at", "{\"username\":\"abc_def\",\"email\":\"example.com\"}"),
                Case.post("email only at", "{\"username\":\"abc_def\",\"email\":\"@\"}"),
                Case.post(
                        "email too long",
                        "{\"username\":\"abc_def\",\"email\":\"" + "e".repeat(250) + "@example.com\"}"),
                Case.post("email with spaces", "{\"username\":\"abc_def\",\"email\":\"a b@example.com\"}"),
                Case.post("email sql injection", "{\"username\":\"abc_def\",\"email\":\"a@b.com' OR '1'='1\"}"),
                Case.post("unknown extra field id", "{\"id\":1,\"username\":\"\",\"email\":\"a@example.com\"}"),
                Case.post(
                        "duplicate keys invalid last",
                        "{\"username\":\"abc_def\",\"username\":\"\",\"email\":\"a@example.com\"}"),
                // wrong media types and methods
                new Case("text/plain body", "POST", "/users", "text/plain", "username=abc", false, Map.of()),
                new Case(
                        "form body",
                        "POST",
                        "/users",
                        "application/x-www-form-urlencoded",
                        "username=abc&email=a%40b.c",
                        false,
                        Map.of()),
                new Case(
                        "xml body",
                        "POST",
                        "/users",
                        "application/xml",
                        "<user><username>abc</username></user>",
                        false,
                        Map.of()),
                new Case("no content type", "POST", "/users", null, "{\"username\":\"abc_def\"}", false, Map.of()),
                new Case(
                        "json with bad charset",
                        "POST",
                        "/users",
                        "application/json; charset=klingon",
                        "{}",
                        false,
                        Map.of()),
                new Case("DELETE collection", "DELETE", "/users", null, null, true, Map.of()),
                new Case("PUT collection", "PUT", "/users", "application/json", "{}", true, Map.of()),
                new Case("POST to an item", "POST", "/users/{existing}", "application/json", "{}", false, Map.of()),
                new Case("TRACE", "TRACE", "/users", null, null, false, Map.of()),
                new Case("OPTIONS on item", "OPTIONS", "/users/{existing}", null, null, false, Map.of()),
                // ids and query parameters
                Case.get("id not a number", "/users/abc"),
                Case.get("id negative", "/users/-1"),
                Case.get("id zero", "/users/0"),
                Case.get("id decimal", "/users/1.5"),
                Case.get("id overflow", "/users/99999999999999999999999"),
                Case.get("id with sql", "/users/1%20OR%201=1"),
                Case.get("id encoded NUL", "/users/%00"),
                Case.get("id encoded slash", "/users/1%2F2"),
                Case.get("path traversal", "/users/../../etc/passwd"),
                Case.get("encoded traversal", "/users/%2e%2e/%2e%2e/etc/passwd"),
                Case.get("limit negative", "/users?limit=-1"),
                Case.get("limit zero", "/users?limit=0"),
                Case.get("limit text", "/users?limit=ten"),
                Case.get("limit huge", "/users?limit=99999999999"),
                Case.get("after text", "/users?after=abc"),
                Case.get("after negative", "/users?after=-5"),
                Case.get("after overflow", "/users?after=99999999999999999999"),
                Case.get("repeated limit", "/users?limit=1&limit=2"),
                Case.get("unknown path", "/does-not-exist"),
                Case.get("very long uri", "/users?x=" + "a".repeat(12000)),
                // admin writes with bad bodies
                Case.patch("patch empty body", ""),
                Case.patch("patch malformed", "{\"email\":"),
                Case.patch("patch invalid email", "{\"email\":\"nope\"}"),
                Case.patch("patch username too long", "{\"username\":\"" + longName + "\"}"),
                Case.patch("patch array", "[]"),
                new Case(
                        "put missing fields",
                        "PUT",
                        "/users/{existing}",
                        "application/json",
                        "{\"username\":\"abc_def\"}",
                        true,
                        Map.of()),
                new Case(
                        "patch unknown id",
                        "PATCH",
                        "/users/987654321",
                        "application/json",
                        "{\"email\":\"z@example.com\"}",
                        true,
                        Map.of()),
                new Case("delete id not a number", "DELETE", "/users/abc", null, null, true, Map.of()),
                // hostile headers
                new Case(
                        "malformed bearer",
                        "DELETE",
                        "/users/{existing}",
                        null,
                        null,
                        false,
                        Map.of("Authorization", "Bearer")),
                new Case(
                        "basic auth instead of bearer",
                        "DELETE",
                        "/users/{existing}",
                        null,
                        null,
                        false,
                        Map.of("Authorization", "Basic YWRtaW46YWRtaW4=")),
                new Case("huge header", "GET", "/health", null, null, false, Map.of("X-Junk", "j".repeat(20000))),
                new Case(
                        "accepts only html",
                        "GET",
                        "/users/{existing}",
                        null,
                        null,
                        false,
                        Map.of("Accept", "text/html"))));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> no_bad_input_gets_a_5xx_or_a_non_json_error() {
        List<Case> corpus = corpus();
        assertThat(corpus).as("corpus size").hasSizeGreaterThanOrEqualTo(60);
        return corpus.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        RequestSpecification request = c.admin() ? admin() : edge();
        request = request.urlEncodingEnabled(false);
        if (c.contentType() != null) {
            request = request.contentType(c.contentType());
        }
        if (c.body() != null) {
            // Bytes keep the corpus exact; REST Assured only encodes form bodies given as text.
            request = c.contentType() != null && c.contentType().startsWith("application/x-www-form-urlencoded")
                    ? request.body(c.body())
                    : request.body(c.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        request = request.headers(c.headers());
        String path = c.path().replace("{existing}", Long.toString(existingId));

        Response response = request.request(c.method(), path);

        int status = response.statusCode();
        synchronized (STATUSES) {
            STATUSES.merge(status, 1, Integer::sum);
        }
        String what = c.method() + " " + abbreviate(path) + " (" + c.name() + ")";
        assertThat(status)
                .as("%s: no 5xx; body %s", what, abbreviate(response.asString()))
                .isLessThan(500);
        if (status >= 400 && !"HEAD".equals(c.method())) {
            EdgeAssertions.assertJsonErrorBody(response, what);
        }
        assertThat(response.getHeader("X-Request-ID"))
                .as("%s: request id", what)
                .isNotBlank();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    @AfterAll
    static void printStatuses() {
        System.out.println("BadInputThroughEdgeIT: statuses over the corpus " + STATUSES);
    }
}
