package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.SlowPost;
import dev.prodstack.service.support.TestApps;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * maxConcurrentRequests 1: while one request runs (a POST whose body is still on its way), the next waits, holding
 * no thread, shows in prodstack_http_requests_waiting, and is served as soon as the first is done. The admin port
 * is not limited: the scrape below answers while the slot is taken.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConcurrencyLimitIT {
    private static final DropwizardAppExtension<ProdstackConfiguration> APP =
            TestApps.app(TestApps.setting("maxConcurrentRequests", "1"));

    @Test
    void aSecondRequestWaitsForTheRunningOneAndIsThenServed() throws Exception {
        final Http http = new Http(APP.getLocalPort());
        final Http admin = new Http(APP.getAdminPort());
        try (SlowPost slow = new SlowPost(APP.getLocalPort())) {
            Thread.sleep(500);

            final CompletableFuture<Http.Response> second = CompletableFuture.supplyAsync(() -> http.get("/"));
            // Until it has reached Jetty (a stalled machine may take a while), then a second more of waiting.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String scrape = admin.get("/metrics/prometheus").body();
            while (!scrape.contains("prodstack_http_requests_waiting 1.0") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                scrape = admin.get("/metrics/prometheus").body();
            }
            Thread.sleep(1_000);
            assertThat(second)
                    .as("the second request while the first holds the only slot")
                    .isNotDone();
            assertThat(scrape)
                    .as("the admin port answers, and counts the waiting request")
                    .contains("prodstack_http_requests_waiting 1.0")
                    .contains("prodstack_http_requests_max_concurrent 1.0");

            assertThat(slow.finish().status()).as("the slow POST").isEqualTo(200);
            assertThat(second.get(10, TimeUnit.SECONDS).status())
                    .as("the second request, once the slot is free")
                    .isEqualTo(200);
        }
        assertThat(admin.get("/metrics/prometheus").body()).contains("prodstack_http_requests_waiting 0.0");
        // Its time waiting is in the latency it reports: it was sent 1 s before the slot was freed (alone it takes ms).
        final Matcher sum = Pattern.compile(
                        "http_server_requests_seconds_sum\\{method=\"GET\",route=\"/\",status=\"200\"} (\\S+)")
                .matcher(admin.get("/metrics/prometheus").body());
        assertThat(sum.find()).as("GET / in the histogram").isTrue();
        assertThat(Double.parseDouble(sum.group(1))).as("seconds GET / took").isGreaterThan(0.9);
    }
}
