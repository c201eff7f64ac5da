package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prodstack.acceptance.support.Docker;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Postgres stopped: writes and uncached reads fail fast with 503 JSON, cached reads still succeed,
 * /health is unhealthy (503); Postgres started: full recovery without restarting the api.
 */
@Order(210)
class PostgresOutageIT extends AbstractAcceptanceTest {

    private static final long FAIL_FAST_MILLIS = 2_000;

    @AfterAll
    static void restore() {
        stack.restoreHealthy();
    }

    @Test
    void database_outage_fails_fast_and_recovers_without_restarting_the_api() {
        long cached = createUser("pgout");
        edge().get("/users/" + cached);
        assertThat(edge().get("/users/" + cached).getHeader("X-Cache")).isEqualTo("HIT");
        String apiContainer = stack.containerId("api");
        String apiStartedAt = Docker.inspect(apiContainer).getState().getStartedAt();

        stack.faults().stop("db");
        try {
            // A full token bucket: the timings below measure the stack, not the suite's own pacing.
            stack.throttle().rest();
            timed503(
                    "POST /users",
                    () -> edge().contentType("application/json")
                            .body(newUserBody("pgdown"))
                            .post("/users"));
            timed503("GET unknown (uncached) user", () -> edge().get("/users/987654321"));
            timed503("GET /users (list, never cached)", () -> edge().get("/users?limit=5"));
            timed503(
                    "PATCH a user",
                    () -> admin().contentType("application/json")
                            .body(java.util.Map.of("email", unique("pg") + "@example.com"))
                            .patch("/users/" + cached));

            Response health = edge().get("/health");
            assertThat(health.statusCode())
                    .as("/health while Postgres is down: %s", health.asString())
                    .isEqualTo(503);
            assertThat(health.jsonPath().getString("status")).isEqualTo("unhealthy");
            assertThat(health.jsonPath().getString("database")).isNotEqualTo("connected");

            Response cachedRead = edge().get("/users/" + cached);
            assertThat(cachedRead.statusCode())
                    .as("a cached read while Postgres is down: %s", cachedRead.asString())
                    .isEqualTo(200);
            assertThat(cachedRead.getHeader("X-Cache")).isEqualTo("HIT");
        } finally {
            stack.faults().start("db");
        }
        stack.waitHealthy(Duration.ofSeconds(90));

        await("writes succeed again")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    Response created = edge().contentType("application/json")
                            .body(newUserBody("pgback"))
                            .post("/users");
                    assertThat(created.statusCode())
                            .as("POST after recovery: %s", created.asString())
                            .isEqualTo(200);
                });
        assertThat(edge().get("/users/987654321").statusCode())
                .as("uncached reads answer again")
                .isEqualTo(404);
        assertThat(edge().get("/health").jsonPath().getString("status")).isEqualTo("healthy");
        assertThat(stack.containerId("api")).as("same api container").isEqualTo(apiContainer);
        assertThat(Docker.inspect(apiContainer).getState().getStartedAt())
                .as("the api was not restarted")
                .isEqualTo(apiStartedAt);
    }

    private static void timed503(String what, Supplier<Response> request) {
        long started = System.nanoTime();
        Response response = request.get();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("PostgresOutageIT: %s -> %d in %d ms%n", what, response.statusCode(), millis);
        EdgeAssertions.assertJsonError(response, 503, what + " while Postgres is down");
        assertThat(millis).as("%s fails fast", what).isLessThan(FAIL_FAST_MILLIS);
    }
}
