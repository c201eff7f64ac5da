package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.Http.Response;
import dev.prodstack.service.support.StdoutCapture;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.DropwizardTestSupport;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A replica told to stop keeps serving, reads and writes, for its stop delay while /health answers 503 "stopping",
 * and only then drains: the window in which a proxy still holding its address and connections loses nothing.
 */
class StopDelayIT {
    private static final long DELAY_MS = 3_000;

    @Test
    void afterTheStopSignalHealthSaysStoppingAndRequestsAreStillServedUntilTheDelayIsOver() throws Exception {
        final DropwizardTestSupport<ProdstackConfiguration> app = TestApps.support(
                TestServices.DATABASE_URL, TestServices.REDIS_URL, TestApps.setting("stopDelay", DELAY_MS + "ms"));
        final String username = "stop_" + UUID.randomUUID().toString().substring(0, 8);
        final Response[] answers = new Response[4];
        final long[] stopMillis = new long[1];
        final List<JsonNode> lines = StdoutCapture.linesDuring(() -> {
                    app.before();
                    final Http http = new Http(app.getLocalPort());
                    answers[0] = http.get("/health");
                    final long stopStarted = System.nanoTime();
                    final CompletableFuture<Void> stopped = CompletableFuture.runAsync(app::after);
                    Response health = http.get("/health");
                    while (health.status() == 200 && System.nanoTime() - stopStarted < DELAY_MS * 500_000) {
                        Thread.sleep(20);
                        health = http.get("/health");
                    }
                    answers[1] = health;
                    answers[2] = http.post(
                            "/users", "{\"username\":\"" + username + "\",\"email\":\"" + username + "@example.com\"}");
                    answers[3] =
                            http.get("/users/" + answers[2].json().path("id").asLong());
                    stopped.get();
                    stopMillis[0] = (System.nanoTime() - stopStarted) / 1_000_000;
                })
                .stream()
                .map(Http::json)
                .toList();

        assertThat(answers[0].status())
                .as("before the stop: %s", answers[0].body())
                .isEqualTo(200);
        assertThat(answers[1].status())
                .as("/health once stopping: %s", answers[1].body())
                .isEqualTo(503);
        assertThat(answers[1].json().get("status").asText()).isEqualTo("stopping");
        assertThat(answers[1].json().get("message").asText()).isEqualTo("shutting down");
        assertThat(answers[2].status())
                .as("a POST during the delay: %s", answers[2].body())
                .isEqualTo(200);
        assertThat(answers[3].status())
                .as("a read of it during the delay: %s", answers[3].body())
                .isEqualTo(200);
        assertThat(answers[3].json().get("username").asText()).isEqualTo(username);
        assertThat(stopMillis[0]).as("ms from the stop signal to stopped").isGreaterThanOrEqualTo(DELAY_MS);
        assertThat(lines)
                .as("the stop delay is logged")
                .anySatisfy(line -> assertThat(line.path("message").asText())
                        .startsWith("stopping: /health answers 503 \"stopping\"; still serving for 3000 ms"));
    }
}
