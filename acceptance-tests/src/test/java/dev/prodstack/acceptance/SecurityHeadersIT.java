package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Security headers on every kind of response nginx sends: the api's 200 and 404, nginx's own
 * 404, 413 and 429 (502 is checked while the api is down, in AlertDeliveryIT).
 */
@Order(40)
class SecurityHeadersIT extends AbstractAcceptanceTest {

    @Test
    void on_a_200_from_the_api() {
        Response response = edge().get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        EdgeAssertions.assertSecurityHeaders(response, "GET /health");
        assertThat(response.getHeader("Content-Security-Policy"))
                .as("JSON gets the allow-nothing CSP")
                .startsWith("default-src 'none'");
    }

    @Test
    void on_a_404_from_the_api() {
        Response response = edge().get("/users/987654321");
        EdgeAssertions.assertJsonError(response, 404, "api 404");
        EdgeAssertions.assertSecurityHeaders(response, "api 404");
    }

    @Test
    void on_a_404_from_nginx() {
        Response response = edge().get("/metrics");
        EdgeAssertions.assertJsonError(response, 404, "nginx 404 for /metrics");
        EdgeAssertions.assertSecurityHeaders(response, "nginx 404 for /metrics");
    }

    @Test
    void on_a_413_for_a_body_over_the_limit() {
        String big = "{\"username\":\"" + "x".repeat(70 * 1024) + "\",\"email\":\"big@example.com\"}";

        Response response = edge().contentType("application/json").body(big).post("/users");

        EdgeAssertions.assertJsonError(response, 413, "nginx 413");
        EdgeAssertions.assertSecurityHeaders(response, "nginx 413");
    }

    @Test
    void on_a_429_beyond_the_burst() {
        List<Response> responses = Bursts.burst(stack, "/");

        Response refused = responses.stream()
                .filter(r -> r.statusCode() == 429)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 429 in a burst of " + Bursts.REQUESTS));
        EdgeAssertions.assertJsonError(refused, 429, "nginx 429");
        EdgeAssertions.assertSecurityHeaders(refused, "nginx 429");
    }

    @Test
    void docs_page_gets_its_own_csp() {
        Response response = edge().get("/docs");
        assertThat(response.statusCode()).as("GET /docs").isEqualTo(200);
        EdgeAssertions.assertSecurityHeaders(response, "GET /docs");
        assertThat(response.getHeader("Content-Security-Policy")).contains("script-src 'self'");
    }
}
