package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.Http.Response;
import dev.prodstack.service.support.StdoutCapture;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.DropwizardTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replica with a warm-up: 503 "starting" until it has served itself, then healthy, and none of it is counted or logged. */
class WarmUpIT {
    private static final String AGENT = "prodstack-warm-up";

    @Test
    void healthSaysStartingUntilTheWarmUpIsDoneAndTheWarmUpLeavesNoTrace() throws Exception {
        final DropwizardTestSupport<ProdstackConfiguration> app = TestApps.support(
                TestServices.DATABASE_URL, TestServices.REDIS_URL, TestApps.setting("warmUp.duration", "6s"));
        final List<Response> healthAnswers = new ArrayList<>();
        final String[] scrape = new String[1];
        final JsonNode[] seedMetrics = new JsonNode[1];
        final List<JsonNode> lines = StdoutCapture.linesDuring(() -> {
                    app.before();
                    try {
                        final Http http = new Http(app.getLocalPort());
                        final long deadline = System.nanoTime() + 15_000_000_000L;
                        Response health;
                        do {
                            health = http.get("/health");
                            healthAnswers.add(health);
                            Thread.sleep(100);
                        } while (health.status() != 200 && System.nanoTime() < deadline);
                        seedMetrics[0] = http.get("/metrics").json();
                        scrape[0] = new Http(app.getAdminPort())
                                .get("/metrics/prometheus")
                                .body();
                    } finally {
                        app.after();
                    }
                })
                .stream()
                .map(Http::json)
                .toList();

        // A cold JVM on a busy machine may take seconds for its first answer: 6 s leaves room for some 503s.
        final Response first = healthAnswers.get(0);
        assertThat(first.status())
                .as("first /health right after start: %s", first.body())
                .isEqualTo(503);
        assertThat(first.json().get("status").asText()).isEqualTo("starting");
        assertThat(first.json().get("message").asText()).isEqualTo("warming up");
        assertThat(healthAnswers.subList(0, healthAnswers.size() - 1))
                .as("every answer before the last")
                .allSatisfy(answer -> assertThat(answer.status()).isEqualTo(503));
        final Response last = healthAnswers.get(healthAnswers.size() - 1);
        assertThat(last.status()).as("after the 6 s warm-up: %s", last.body()).isEqualTo(200);
        assertThat(last.json().get("status").asText()).isEqualTo("healthy");

        assertThat(lines)
                .as("the warm-up reports how much it sent")
                .anySatisfy(line -> assertThat(line.path("message").asText())
                        .matches("warm-up done: [1-9]\\d* requests to itself in \\d+ ms.*"));
        assertThat(lines)
                .as("access log lines of the warm-up")
                .noneMatch(line -> AGENT.equals(line.path("userAgent").asText()));
        // Only our own /health polls (and the /metrics call itself) are client traffic.
        assertThat(seedMetrics[0].get("requests_total").asLong())
                .as("requests_total counts our polls, not the warm-up")
                .isBetween((long) healthAnswers.size(), healthAnswers.size() + 1L);
        assertThat(scrape[0]).doesNotContain("route=\"/users/{id}\"").doesNotContain("route=\"/users\"");
    }
}
