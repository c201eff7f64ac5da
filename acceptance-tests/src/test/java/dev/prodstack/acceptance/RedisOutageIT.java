package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.BoundedLoad;
import dev.prodstack.acceptance.support.Docker;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped under steady load: no client sees a 5xx, /health says degraded, reads fall back
 * to Postgres; Redis started again: caching resumes (HIT) without restarting the api.
 */
@Order(200)
class RedisOutageIT extends AbstractAcceptanceTest {

    @AfterAll
    static void restore() {
        stack.restoreHealthy();
    }

    @Test
    void cache_outage_under_load_is_invisible_to_clients_and_caching_resumes() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createUser("redisout"));
        }
        long watched = ids.get(0);
        edge().get("/users/" + watched);
        assertThat(edge().get("/users/" + watched).getHeader("X-Cache"))
                .as("cached before the outage")
                .isEqualTo("HIT");
        String apiContainer = stack.containerId("api");
        String apiStartedAt = Docker.inspect(apiContainer).getState().getStartedAt();

        // 2 threads through nginx (paced under its rate limit) + 2 on the api's own port, 20 s.
        BoundedLoad.Request throughEdge = i -> edge().get("/users/" + ids.get(i % ids.size()));
        BoundedLoad.Request listThroughEdge = i -> i % 2 == 0 ? edge().get("/users?limit=5") : edge().get("/health");
        BoundedLoad.Request direct = i -> given().spec(stack.apiDebugSpec()).get("/users/" + ids.get(i % ids.size()));
        BoundedLoad.Request directCreate = i -> i % 4 == 0
                ? given().spec(stack.apiDebugSpec())
                        .contentType("application/json")
                        .body(newUserBody("redisload"))
                        .post("/users")
                : given().spec(stack.apiDebugSpec()).get("/users/" + ids.get(i % ids.size()));
        try (BoundedLoad load = BoundedLoad.start(
                List.of(throughEdge, listThroughEdge, direct, directCreate),
                Duration.ofSeconds(20),
                Duration.ofMillis(60))) {
            AcceptanceStack.sleep(Duration.ofSeconds(3));

            stack.faults().stop("cache");

            await("/health reports the cache outage as degraded (200)")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        Response health = edge().get("/health");
                        assertThat(health.statusCode())
                                .as("/health: %s", health.asString())
                                .isEqualTo(200);
                        assertThat(health.jsonPath().getString("status")).isEqualTo("degraded");
                        assertThat(health.jsonPath().getString("database")).isEqualTo("connected");
                        assertThat(health.jsonPath().getString("cache")).isNotEqualTo("connected");
                    });
            Response read = edge().get("/users/" + watched);
            assertThat(read.statusCode())
                    .as("a read while Redis is down: %s", read.asString())
                    .isEqualTo(200);
            assertThat(read.getHeader("X-Cache")).as("served from Postgres").isNotEqualTo("HIT");

            AcceptanceStack.sleep(Duration.ofSeconds(5));
            stack.faults().start("cache");
            stack.waitHealthy(Duration.ofSeconds(60));

            load.awaitEnd(Duration.ofSeconds(15));
            System.out.printf("RedisOutageIT: %d requests under load: %s%n", load.total(), load.tally());
            assertThat(load.total()).as("requests sent under load").isGreaterThan(200);
            assertThat(load.serverErrors())
                    .as("5xx or transport errors seen by clients during the Redis outage")
                    .isEmpty();
        }

        await("caching resumes: a MISS that fills the cache, then a HIT")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    edge().get("/users/" + watched);
                    assertThat(edge().get("/users/" + watched).getHeader("X-Cache"))
                            .isEqualTo("HIT");
                });
        await("/health healthy again")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(edge().get("/health").jsonPath().getString("status"))
                        .isEqualTo("healthy"));
        assertThat(stack.containerId("api")).as("same api container").isEqualTo(apiContainer);
        assertThat(Docker.inspect(apiContainer).getState().getStartedAt())
                .as("the api was not restarted")
                .isEqualTo(apiStartedAt);
    }
}
