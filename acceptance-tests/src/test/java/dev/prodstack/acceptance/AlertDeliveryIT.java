package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.Alertmanager;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.acceptance.support.MonitoringOverrides;
import dev.prodstack.acceptance.support.Prometheus;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The alerting pipeline end to end: every api replica stopped makes ApiDown (its real expression,
 * for: 10 s in the acceptance rule file) fire in Prometheus, reach Alertmanager and be delivered to
 * the receiver; nginx answers 502 JSON with all security headers meanwhile; the api started
 * again, nginx serves it and the alert resolves.
 */
@Order(220)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertDeliveryIT extends AbstractAcceptanceTest {

    private static Prometheus prometheus;
    private static Alertmanager alertmanager;
    private static Instant stoppedAt;

    @BeforeAll
    static void pipelineIsLive() {
        prometheus = stack.prometheus();
        alertmanager = stack.alertmanager();
        assertThat(alertmanager.ready()).as("Alertmanager ready").isTrue();
        await("the acceptance ApiDown rule is loaded")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(prometheus.rules().toString()).contains("\"acceptance\":\"true\""));
        await("the Watchdog alert reaches Alertmanager (the pipeline works at all)")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(alertmanager.activeAlerts("Watchdog")).isNotEmpty());
        assertThat(acceptanceApiDown())
                .as("ApiDown is not firing before the api is stopped")
                .isEmpty();
    }

    @AfterAll
    static void restore() {
        stack.restoreHealthy();
        stack.awaitEdgeFollowsTheApi();
    }

    @Test
    @Order(1)
    void api_down_alert_reaches_alertmanager_and_the_receiver() {
        stoppedAt = Instant.now();
        stack.faults().stop("api");

        await("ApiDown{acceptance=\"true\"} active in Alertmanager")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(acceptanceApiDown()).isNotEmpty());
        System.out.printf(
                "AlertDeliveryIT: ApiDown reached Alertmanager %d s after the api was stopped%n",
                Duration.between(stoppedAt, Instant.now()).toSeconds());
        JsonNode alert = acceptanceApiDown().get(0);
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(alert.path("annotations").path("summary").asText()).isNotBlank();

        String since = stoppedAt.minus(1, ChronoUnit.SECONDS).toString();
        await("the ApiDown notification delivered to the receiver (alert-sink)")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    String sink = Docker.logs(stack.containerId("alert-sink"), since);
                    assertThat(sink).contains("ApiDown").contains("firing");
                });
    }

    @Test
    @Order(2)
    void nginx_answers_502_json_with_security_headers_while_no_replica_runs() {
        Response response = edge().get("/users/1");

        assertThat(response.statusCode())
                .as("no api replica: %s", response.asString())
                .isIn(502, 503, 504);
        EdgeAssertions.assertJsonErrorBody(response, "nginx " + response.statusCode());
        EdgeAssertions.assertSecurityHeaders(response, "nginx " + response.statusCode());
    }

    @Test
    @Order(3)
    void api_back_is_served_through_nginx_and_the_alert_resolves() {
        Instant startedAt = Instant.now();
        stack.faults().start("api");
        stack.waitHealthy(Duration.ofSeconds(120));

        await("nginx serves the restarted api (without an operator reload)")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> assertThat(edge().get("/health").statusCode()).isEqualTo(200));
        await("ApiDown resolved in Alertmanager")
                .atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(acceptanceApiDown()).isEmpty());
        System.out.printf(
                "AlertDeliveryIT: ApiDown resolved %d s after the api was started%n",
                Duration.between(startedAt, Instant.now()).toSeconds());
    }

    private static List<JsonNode> acceptanceApiDown() {
        return alertmanager.activeAlerts(MonitoringOverrides.ALERT_NAME).stream()
                .filter(alert ->
                        "true".equals(alert.path("labels").path("acceptance").asText()))
                .toList();
    }
}
