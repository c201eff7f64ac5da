package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.LogStore;
import dev.prodstack.testsupport.Command;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The logging overlay as an operator uses it: a request with a chosen X-Request-ID is in the
 * store within 30 s, once from nginx and once from the api, with the same fields; the lines of
 * every service are there, JSON lines as fields and the others as text; scripts/logs.sh prints
 * the request's timeline.
 */
@Order(85)
class LogSearchIT extends AbstractAcceptanceTest {

    private static LogStore store;

    @BeforeAll
    static void theStore() {
        store = LogStore.of(stack);
    }

    @Test
    void a_request_through_nginx_is_found_from_nginx_and_from_the_api_with_matching_fields() {
        long id = createUser("logs");
        String requestId = "acc-logs-" + UUID.randomUUID();

        Response response = edge().header("X-Request-ID", requestId).get("/users/" + id);
        assertThat(response.statusCode()).isEqualTo(200);
        long sent = System.nanoTime();

        await("nginx's and the api's access lines of " + requestId + " in the store")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    List<JsonNode> lines = store.byTerm("request_id", requestId, 20);
                    assertThat(lines)
                            .as("lines of %s", requestId)
                            .anySatisfy(line ->
                                    assertThat(line.path("service").asText()).isEqualTo("proxy"))
                            .anySatisfy(line ->
                                    assertThat(line.path("log_type").asText()).isEqualTo("access"));
                });
        System.out.printf(
                "LogSearchIT: %s searchable after %d ms%n", requestId, (System.nanoTime() - sent) / 1_000_000);

        List<JsonNode> lines = store.byTerm("request_id", requestId, 20);
        JsonNode nginx = lines.stream()
                .filter(line -> line.path("service").asText().equals("proxy"))
                .findFirst()
                .orElseThrow();
        JsonNode api = lines.stream()
                .filter(line -> line.path("service").asText().equals("api")
                        && line.path("log_type").asText().equals("access"))
                .findFirst()
                .orElseThrow();
        for (JsonNode line : List.of(nginx, api)) {
            assertThat(line.path("request_id").asText())
                    .as("request_id of %s", line)
                    .isEqualTo(requestId);
            assertThat(line.path("method").asText()).as("method of %s", line).isEqualTo("GET");
            assertThat(line.path("path").asText()).as("path of %s", line).isEqualTo("/users/" + id);
            assertThat(line.path("status").asInt()).as("status of %s", line).isEqualTo(200);
            assertThat(line.path("duration_ms").isNumber())
                    .as("duration_ms of %s", line)
                    .isTrue();
            assertThat(line.path("@timestamp").asText())
                    .as("@timestamp of %s", line)
                    .isNotBlank();
            assertThat(line.path("stream").asText()).as("stream of %s", line).isEqualTo("stdout");
        }
        assertThat(nginx.path("container").asText())
                .as("nginx's replica")
                .startsWith(stack.project())
                .contains("proxy");
        assertThat(api.path("container").asText())
                .as("the api's replica")
                .startsWith(stack.project())
                .contains("api");
        // Not compared with each other: Jetty's requestTime ends when its access log is written,
        // after the response, so it can exceed nginx's request_time under load.
        assertThat(nginx.path("duration_ms").asLong()).as("nginx's duration_ms").isNotNegative();
        assertThat(api.path("duration_ms").asLong()).as("the api's duration_ms").isNotNegative();
    }

    @Test
    void every_service_is_shipped_json_lines_as_fields_and_other_lines_as_text() {
        for (String service : List.of("proxy", "api", "migrate", "db", "cache", "prometheus", "log-store")) {
            await("lines of " + service)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(store.count(Map.of("term", Map.of("service", service))))
                            .as("lines of service %s", service)
                            .isPositive());
        }
        // Postgres writes plain text: the whole line is the message, nothing parsed out of it.
        JsonNode postgres = store.byTerm("service", "db", 1).get(0);
        assertThat(postgres.path("message").asText())
                .as("a Postgres line: %s", postgres)
                .isNotBlank();
        assertThat(postgres.has("level"))
                .as("no fields invented from text: %s", postgres)
                .isFalse();
        // The api's app lines (JSON) keep their level and logger as fields.
        JsonNode app = store.search(
                        Map.of(
                                "bool",
                                Map.of(
                                        "filter",
                                        List.of(
                                                Map.of("term", Map.of("service", "api")),
                                                Map.of("term", Map.of("log_type", "app"))))),
                        1)
                .get(0);
        assertThat(app.path("level").asText())
                .as("level of an api app line: %s", app)
                .isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
        assertThat(app.path("logger").asText())
                .as("logger of an api app line: %s", app)
                .isNotBlank();
        assertThat(app.path("message").asText())
                .as("message of an api app line: %s", app)
                .isNotBlank();
    }

    @Test
    void logs_sh_prints_the_requests_timeline_across_containers() {
        long id = createUser("logsh");
        String requestId = "acc-logsh-" + UUID.randomUUID();
        edge().header("X-Request-ID", requestId).get("/users/" + id);
        await("both lines of " + requestId)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> store.byTerm("request_id", requestId, 20).size() >= 2);

        Command.Result result = stack.script("scripts/logs.sh", "--request-id", requestId)
                .timeout(Duration.ofSeconds(60))
                .check();

        System.out.printf("LogSearchIT: scripts/logs.sh --request-id %s%n%s%n", requestId, result.stdout());
        assertThat(result.lines())
                .as("timeline of %s", requestId)
                .anySatisfy(line -> assertThat(line)
                        .contains("proxy")
                        .contains("GET /users/" + id + " -> 200")
                        .contains(requestId))
                .anySatisfy(line -> assertThat(line)
                        .contains("api")
                        .contains("GET /users/" + id + " -> 200")
                        .contains(requestId));
        String missing = "acc-logsh-404-" + UUID.randomUUID();
        assertThat(edge().header("X-Request-ID", missing)
                        .get("/users/987654321")
                        .statusCode())
                .isEqualTo(404);
        await("the 404's api line")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> store.byTerm("request_id", missing, 20).size() >= 2);

        Command.Result errors = stack.script("scripts/logs.sh", "--since", "10m", "--status", "4xx", "--service", "api")
                .timeout(Duration.ofSeconds(60))
                .check();

        assertThat(errors.lines())
                .as("--status 4xx --service api: only api access lines with a 4xx")
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("api").containsPattern(" -> 4\\d\\d"))
                .anySatisfy(line -> assertThat(line).contains(missing));
    }
}
