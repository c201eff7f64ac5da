package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.acceptance.support.Json;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * One request id from the client (or from nginx) to the response header, nginx's JSON access log
 * and the api's JSON log lines: what an operator greps for when a user reports a failure.
 */
@Order(80)
class RequestIdPropagationIT extends AbstractAcceptanceTest {

    @Test
    void client_request_id_reaches_both_json_logs() {
        String since = Instant.now().minus(5, ChronoUnit.SECONDS).toString();
        String requestId = "acc-" + UUID.randomUUID();
        long id = createUser("reqid");

        Response response = edge().header("X-Request-ID", requestId).get("/users/" + id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("X-Request-ID"))
                .as("the client's id is echoed")
                .isEqualTo(requestId);
        assertLogged(requestId, since);
    }

    @Test
    void nginx_generates_an_id_when_the_client_sends_none_and_it_reaches_the_api() {
        String since = Instant.now().minus(5, ChronoUnit.SECONDS).toString();

        Response response = edge().get("/users/987654321");

        String generated = response.getHeader("X-Request-ID");
        assertThat(generated).as("a generated id").matches("[0-9a-f]{32}");
        assertThat(response.jsonPath().getString("request_id"))
                .as("the error body names the same id")
                .isEqualTo(generated);
        assertLogged(generated, since);
    }

    @Test
    void an_unsafe_client_id_is_replaced_not_echoed() {
        String unsafe = "bad id\" injected=1";

        Response response = edge().header("X-Request-ID", unsafe).get("/health");

        assertThat(response.getHeader("X-Request-ID"))
                .as("unsafe ids are replaced")
                .isNotEqualTo(unsafe)
                .matches("[A-Za-z0-9._:-]{1,128}");
    }

    private static void assertLogged(String requestId, String since) {
        await("request id " + requestId + " in the api's and nginx's JSON logs")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> apiLines = jsonLinesMentioning(stack.containerIds("api"), since, requestId);
                    List<JsonNode> proxyLines = jsonLinesMentioning(stack.containerIds("proxy"), since, requestId);
                    assertThat(apiLines)
                            .as("api JSON log lines with request id %s", requestId)
                            .isNotEmpty();
                    assertThat(proxyLines)
                            .as("nginx JSON access log lines with request id %s", requestId)
                            .isNotEmpty();
                    assertThat(proxyLines)
                            .anySatisfy(line ->
                                    assertThat(line.path("request_id").asText()).isEqualTo(requestId));
                    System.out.printf(
                            "RequestIdPropagationIT: %s -> api %s | nginx %s%n",
                            requestId,
                            Json.abbreviate(apiLines.get(0).toString()),
                            Json.abbreviate(proxyLines.get(0).toString()));
                });
    }

    /** JSON log lines (one object per line) of the containers in which some value equals the id. */
    private static List<JsonNode> jsonLinesMentioning(List<String> containerIds, String since, String requestId) {
        List<JsonNode> matches = new ArrayList<>();
        for (String containerId : containerIds) {
            for (String line : Docker.logs(containerId, since).split("\n")) {
                if (!line.contains(requestId)) {
                    continue;
                }
                JsonNode json = Json.parseOrNull(line.strip());
                if (json != null && json.isObject() && containsValue(json, requestId)) {
                    matches.add(json);
                }
            }
        }
        return matches;
    }

    private static boolean containsValue(JsonNode node, String value) {
        if (node.isTextual()) {
            return value.equals(node.asText());
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
            if (containsValue(children.next(), value)) {
                return true;
            }
        }
        return false;
    }
}
