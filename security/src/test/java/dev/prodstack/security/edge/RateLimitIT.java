package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-client limit of 10 requests/s with bursts of 20, with the production (empty) exemption list: the
 * excess gets a JSON 429, and the client recovers.
 */
class RateLimitIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    private static final int BURST = 40;

    /** The bucket drains at 10/s: after 2.1 s a previous burst (at most 20 over) is forgotten. */
    @BeforeEach
    void letTheBucketDrain() throws InterruptedException {
        Thread.sleep(2_100);
    }

    @Test
    void burstBeyondTheAllowanceIsRefusedThenServedAgain() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            statuses.add(get("/users").statusCode());
        }

        assertThat(statuses).as("statuses of %d back-to-back requests", BURST).containsOnly(200, 429);
        assertThat(statuses.subList(0, 20))
                .as("the burst allowance is served at once")
                .containsOnly(200);
        assertThat(statuses.stream().filter(status -> status == 429).count())
                .as("refused")
                .isGreaterThanOrEqualTo(10);

        Thread.sleep(2_100);
        assertThat(get("/users").statusCode()).as("served again after 2 s").isEqualTo(200);
    }

    @Test
    void refusalIsJsonWithTheRequestIdAndSecurityHeaders() throws Exception {
        HttpResponse<String> refused = null;
        for (int i = 0; i < BURST && refused == null; i++) {
            HttpResponse<String> response = get("/users");
            if (response.statusCode() == 429) {
                refused = response;
            }
        }

        assertThat(refused).as("a 429 within %d requests", BURST).isNotNull();
        assertJsonError(refused, 429, "too many requests");
        assertSecurityHeaders(refused);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return PROXY.client()
                .send(HttpRequest.newBuilder(PROXY.https(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
