package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** /health and / through nginx over TLS: healthy, both dependencies connected, the deployed version. */
@Order(10)
class HealthThroughEdgeIT extends AbstractAcceptanceTest {

    @Test
    void health_is_healthy_with_database_and_cache_connected() {
        Response response = edge().get("/health");

        assertThat(response.statusCode())
                .as("GET /health through nginx: %s", response.asString())
                .isEqualTo(200);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(response.jsonPath().getString("status")).as("status").isEqualTo("healthy");
        assertThat(response.jsonPath().getString("database")).as("database").isEqualTo("connected");
        assertThat(response.jsonPath().getString("cache")).as("cache").isEqualTo("connected");
        assertThat(response.jsonPath().getString("version"))
                .as("version is the deployed VERSION")
                .isEqualTo(stack.environment().get("VERSION"));
    }

    @Test
    void health_stays_healthy_under_concurrent_probes() throws Exception {
        // Load balancers, the container healthcheck, blackbox and clients poll /health at once.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(
                        () -> RestAssured.given().spec(stack.apiDebugSpec()).get("/health")));
            }
            for (Future<Response> answer : answers) {
                Response response = answer.get();
                assertThat(response.statusCode())
                        .as("concurrent /health: %s", response.asString())
                        .isEqualTo(200);
                assertThat(response.jsonPath().getString("status")).isEqualTo("healthy");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void root_names_the_service_and_its_version() {
        Response response = edge().get("/");

        assertThat(response.statusCode())
                .as("GET / through nginx: %s", response.asString())
                .isEqualTo(200);
        assertThat(response.asString())
                .as("GET / mentions the version")
                .contains(stack.environment().get("VERSION"));
        EdgeAssertions.assertSecurityHeaders(response, "GET /");
    }

    @Test
    void nginx_health_answers_on_both_listeners() {
        assertThat(edge().get("/nginx-health").statusCode())
                .as("https /nginx-health")
                .isEqualTo(200);
        assertThat(RestAssured.given()
                        .spec(stack.edgeHttpSpec())
                        .redirects()
                        .follow(false)
                        .get("/nginx-health")
                        .statusCode())
                .as("http /nginx-health is not redirected")
                .isEqualTo(200);
    }
}
