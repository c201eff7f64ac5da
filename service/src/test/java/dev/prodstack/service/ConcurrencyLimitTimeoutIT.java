package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.SlowPost;
import dev.prodstack.service.support.TestApps;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * maxConcurrentRequests 1, maxRequestWait 1 s: a request that waited its second for the slot gets a 503 with the
 * service's JSON error body, and the request that holds the slot is not disturbed.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConcurrencyLimitTimeoutIT {
    private static final DropwizardAppExtension<ProdstackConfiguration> APP =
            TestApps.app(TestApps.setting("maxConcurrentRequests", "1"), ConfigOverride.config("maxRequestWait", "1s"));

    @Test
    void aRequestThatWaitedTooLongGetsAJson503() throws Exception {
        final Http http = new Http(APP.getLocalPort());
        try (SlowPost slow = new SlowPost(APP.getLocalPort())) {
            Thread.sleep(500);
            final Http.Response refused = http.get("/users/1", "X-Request-ID", "waited-too-long");

            assertThat(refused.status()).as("after a second of waiting").isEqualTo(503);
            assertThat(refused.elapsed())
                    .as("it waited maxRequestWait, not the default 10 s")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(8));
            assertThat(refused.header("Content-Type")).startsWith("application/json");
            assertThat(refused.json().get("code").asInt()).isEqualTo(503);
            assertThat(refused.json().get("message").asText()).isEqualTo("service unavailable");
            assertThat(refused.json().get("request_id").asText()).isEqualTo("waited-too-long");
            assertThat(refused.header("X-Request-ID")).isEqualTo("waited-too-long");

            assertThat(slow.finish().status()).as("the POST that held the slot").isEqualTo(200);
        }
        assertThat(http.get("/users/1").status()).as("the slot is free again").isIn(200, 404);
    }
}
