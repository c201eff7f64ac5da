package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.Http.Response;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and sloppy input: every answer is the expected 4xx, JSON with the request id and no internals, and
 * afterwards the table holds exactly the inserts that were valid (the few odd-but-legal cases).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class BadInputIT {
    private static final DropwizardAppExtension<ProdstackConfiguration> APP = TestApps.app();
    private static final AtomicInteger VALID_INSERTS = new AtomicInteger();
    private static final String JSON = "application/json";
    private static final String AUTH = "auth";
    private static final String CHUNKED = "chunked";
    /** Stands for the id of a user this class created: odd paths are tried on an id that exists. */
    private static final String EXISTING = "{existing}";

    private static long existingId;

    @BeforeAll
    static void cleanTableAndCreateOneUser() {
        TestServices.migrate();
        TestServices.cleanUsers();
        final Response created =
                new Http(APP.getLocalPort()).post("/users", user("bad_input_owner", "owner@example.com"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        existingId = created.json().get("id").asLong();
        VALID_INSERTS.incrementAndGet();
    }

    @AfterAll
    static void onlyValidInsertsWereStored() {
        assertThat(TestServices.countUsers())
                .as("rows in users after the bad-input run")
                .isEqualTo(VALID_INSERTS.get());
        final Response owner = new Http(APP.getLocalPort()).get("/users/" + existingId);
        assertThat(owner.status())
                .as("the user the odd paths were tried on is untouched")
                .isEqualTo(200);
        assertThat(owner.json().get("username").asText()).isEqualTo("bad_input_owner");
    }

    /** name, method, path, content type (or AUTH/CHUNKED markers), body, expected status. */
    static Stream<Arguments> cases() {
        final List<Arguments> cases = new ArrayList<>();
        // Malformed JSON and wrong shapes.
        post(cases, "truncated object", "{", 400);
        post(cases, "unterminated", "{\"username\":\"abc\"", 400);
        post(cases, "not json", "not json at all", 400);
        post(cases, "trailing garbage", "{\"username\":\"trail_x\",\"email\":\"t@example.com\"} x", 400);
        post(cases, "single quotes", "{'username':'abc','email':'a@example.com'}", 400);
        post(cases, "raw control character", "{\"username\":\"ab\u0001cd\",\"email\":\"a@example.com\"}", 400);
        // "{" and three NUL bytes read as UTF-32LE to Jackson's encoding detection; what follows is no character.
        post(cases, "UTF-32 guess, invalid", "{\u0000\u0000\u0000\u0000\u0000\u0000\u0000Ue\":\"x\"}", 400);
        post(
                cases,
                "duplicate field",
                "{\"username\":\"dup_a\",\"email\":\"a@example.com\",\"email\":\"b@example.com\"}",
                400);
        post(cases, "array body", "[]", 400);
        post(cases, "string body", "\"abc\"", 400);
        post(cases, "number body", "123", 400);
        post(cases, "null body", "null", 422);
        post(cases, "empty body", "", 422);
        post(cases, "empty object", "{}", 422);
        // Missing, null, extra fields and wrong types.
        post(cases, "missing email", "{\"username\":\"only_name\"}", 422);
        post(cases, "missing username", "{\"email\":\"only@example.com\"}", 422);
        post(cases, "null username", "{\"username\":null,\"email\":\"a@example.com\"}", 422);
        post(cases, "null email", "{\"username\":\"abc\",\"email\":null}", 422);
        post(cases, "number username", "{\"username\":123,\"email\":\"a@example.com\"}", 422);
        post(cases, "boolean username", "{\"username\":true,\"email\":\"a@example.com\"}", 422);
        post(cases, "float username", "{\"username\":1.5,\"email\":\"a@example.com\"}", 422);
        post(cases, "array username", "{\"username\":[\"abc\"],\"email\":\"a@example.com\"}", 422);
        post(cases, "object username", "{\"username\":{\"a\":1},\"email\":\"a@example.com\"}", 422);
        post(cases, "number email", "{\"username\":\"abc\",\"email\":42}", 422);
        post(cases, "extra field", "{\"username\":\"abc\",\"email\":\"a@example.com\",\"role\":\"admin\"}", 422);
        post(cases, "misspelled field", "{\"username\":\"abc\",\"emial\":\"a@example.com\"}", 422);
        // Usernames.
        post(cases, "empty username", user("", "a@example.com"), 422);
        post(cases, "2-char username", user("ab", "a@example.com"), 422);
        post(cases, "51-char username", user("a".repeat(51), "a@example.com"), 422);
        post(cases, "10000-char username", user("a".repeat(10_000), "a@example.com"), 422);
        post(cases, "space in username", user("ab cd", "a@example.com"), 422);
        post(cases, "tab in username", user("ab\\tcd", "a@example.com"), 422);
        post(cases, "newline in username", user("ab\\ncd", "a@example.com"), 422);
        post(cases, "NUL in username", user("ab\\u0000cd", "a@example.com"), 422);
        post(cases, "accented username", user("jos\u00e9", "a@example.com"), 422);
        post(cases, "emoji username", user("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", "a@example.com"), 422);
        post(cases, "zero-width space in username", user("ab\u200Bcd", "a@example.com"), 422);
        post(cases, "right-to-left override in username", user("ab\u202Ecd", "a@example.com"), 422);
        post(cases, "SQL in username", user("x'; DROP TABLE users;--", "a@example.com"), 422);
        post(cases, "SQL OR in username", user("' OR '1'='1", "a@example.com"), 422);
        post(cases, "shell substitution in username", user("$(rm -rf /)", "a@example.com"), 422);
        post(cases, "backticks in username", user("`id`", "a@example.com"), 422);
        post(cases, "path in username", user("../../etc/passwd", "a@example.com"), 422);
        post(cases, "html in username", user("<script>alert(1)</script>", "a@example.com"), 422);
        // Emails.
        post(cases, "empty email", user("abc", ""), 422);
        post(cases, "no at sign", user("abc", "plainaddress"), 422);
        post(cases, "no local part", user("abc", "@example.com"), 422);
        post(cases, "no domain", user("abc", "a@"), 422);
        post(cases, "undotted domain", user("abc", "a@localhost"), 422);
        post(cases, "space in email", user("abc", "a b@example.com"), 422);
        post(cases, "255-char email", user("abc", "a".repeat(243) + "@example.com"), 422);
        post(cases, "NUL in email", user("abc", "a\\u0000b@example.com"), 422);
        post(cases, "accented email", user("abc", "j\u00f6s\u00e9@example.com"), 422);
        post(cases, "SQL in email", user("abc", "a@b.com'; DROP TABLE users;--"), 422);
        post(cases, "shell in email", user("abc", "$(id)@example.com"), 422);
        post(cases, "hyphen-led domain", user("abc", "a@-example.com"), 422);
        post(cases, "header injection in email", user("abc", "a@example.com\\r\\nBcc: x@example.com"), 422);
        // Valid, if unusual: these are stored.
        post(cases, "apostrophe in email (valid)", user("o.brien", "o'brien@example.com"), 200);
        post(cases, "plus and subdomain (valid)", user("tagged-user", "x+tag@mail.example.co.uk"), 200);
        post(cases, "dots dashes underscores (valid)", user("a.b-c_d", "abcd@example.com"), 200);
        // Sizes and content types.
        post(cases, "1 MB JSON string", user("a".repeat(1_000_000), "a@example.com"), 413);
        post(cases, "1 MB of junk", "x".repeat(1_000_000), 413);
        cases.add(Arguments.of(
                "70 KB chunked", "POST", "/users", CHUNKED, user("a".repeat(70_000), "a@example.com"), 413));
        cases.add(Arguments.of("text/plain", "POST", "/users", "text/plain", user("plain", "p@example.com"), 415));
        cases.add(
                Arguments.of("xml", "POST", "/users", "application/xml", "<user><username>abc</username></user>", 415));
        cases.add(Arguments.of(
                "form",
                "POST",
                "/users",
                "application/x-www-form-urlencoded",
                "username=abc&email=a%40example.com",
                415));
        cases.add(Arguments.of("no content type", "POST", "/users", null, user("notype", "n@example.com"), 415));
        // Ids and paths.
        get(cases, "/users/abc", 404);
        get(cases, "/users/-1", 404);
        get(cases, "/users/0", 404);
        get(cases, "/users/99999999999999999999", 404);
        get(cases, "/users/" + EXISTING + "%27%20OR%201=1", 404);
        // Path parameters and encoded semicolons are refused, not stripped (which would answer the user).
        get(cases, "/users/" + EXISTING + ";DROP", 400);
        get(cases, "/users/" + EXISTING + ";", 400);
        get(cases, "/users/" + EXISTING + ";x=y", 400);
        get(cases, "/users/" + EXISTING + "%3B", 400);
        get(cases, "/users/" + EXISTING + "%3bx=1", 400);
        get(cases, "/users;x=y/" + EXISTING, 400);
        cases.add(Arguments.of("DELETE with a path parameter", "DELETE", "/users/" + EXISTING + ";x", AUTH, null, 400));
        cases.add(Arguments.of(
                "PATCH with an encoded semicolon",
                "PATCH",
                "/users/" + EXISTING + "%3B",
                AUTH,
                "{\"username\":\"renamed\"}",
                400));
        get(cases, "/users/%00", 400);
        get(cases, "/users/..%2F..%2Fetc%2Fpasswd", 400);
        get(cases, "/users/%2e%2e/%2e%2e/admin", 400);
        get(cases, "/users/" + EXISTING + "/extra", 404);
        get(cases, "/users?limit=-5", 422);
        get(cases, "/users?limit=1e3", 422);
        get(cases, "/users?limit=99999999999", 422);
        get(cases, "/users?after=abc", 422);
        get(cases, "/admin", 404);
        cases.add(Arguments.of("PUT non-numeric id", "PUT", "/users/abc", AUTH, user("abc", "a@example.com"), 404));
        cases.add(Arguments.of("PATCH fractional id", "PATCH", "/users/1.5", AUTH, "{\"username\":\"abc\"}", 404));
        cases.add(Arguments.of("DELETE negative id", "DELETE", "/users/-1", AUTH, null, 404));
        cases.add(Arguments.of("PUT malformed body", "PUT", "/users/" + EXISTING, AUTH, "{\"username\":", 400));
        cases.add(Arguments.of(
                "PATCH SQL username", "PATCH", "/users/" + EXISTING, AUTH, "{\"username\":\"1 OR 1=1\"}", 422));
        cases.add(Arguments.of(
                "PATCH duplicate field",
                "PATCH",
                "/users/" + EXISTING,
                AUTH,
                "{\"username\":\"dup_b\",\"username\":\"dup_c\"}",
                400));
        cases.add(Arguments.of("DELETE collection", "DELETE", "/users", AUTH, null, 405));
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} {2} -> {5}")
    @MethodSource("cases")
    void answersWithAJsonClientError(
            String name, String method, String path, String contentType, String body, int expected) {
        final Response response = send(method, path, contentType, body);
        assertThat(response.status()).as("%s: %s", name, response.body()).isEqualTo(expected);
        if (expected == 200) {
            VALID_INSERTS.incrementAndGet();
            return;
        }
        assertThat(response.header("Content-Type")).as(name).startsWith("application/json");
        assertThat(response.body()).as(name).doesNotContain("at dev.", "Exception", "<html", "org.eclipse", "java.");
        final JsonNode json = response.json();
        assertThat(json.get("code").asInt()).isEqualTo(expected);
        assertThat(json.get("message").asText()).isNotBlank();
        assertThat(json.get("request_id").asText()).isNotBlank().isEqualTo(response.header("X-Request-ID"));
    }

    private static Response send(String method, String pathTemplate, String contentType, String body) {
        final String path = pathTemplate.replace(EXISTING, Long.toString(existingId));
        final Http http = new Http(APP.getLocalPort());
        if (CHUNKED.equals(contentType)) {
            // No length known up front: the limit must hold while the body is being read.
            return http.sendPublisher(
                    method,
                    path,
                    HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))),
                    "Content-Type",
                    JSON);
        }
        if (AUTH.equals(contentType)) {
            return http.send(method, path, body, "Authorization", Http.adminAuth(), "Content-Type", JSON);
        }
        return contentType == null
                ? http.send(method, path, body)
                : http.send(method, path, body, "Content-Type", contentType);
    }

    private static void post(List<Arguments> cases, String name, String body, int expected) {
        cases.add(Arguments.of(name, "POST", "/users", JSON, body, expected));
    }

    private static void get(List<Arguments> cases, String path, int expected) {
        cases.add(Arguments.of(path, "GET", path, null, null, expected));
    }

    /** A body with both fields; the values are inserted as they are (JSON escapes stay escapes). */
    private static String user(String username, String email) {
        return "{\"username\":\"" + username + "\",\"email\":\"" + email + "\"}";
    }
}
