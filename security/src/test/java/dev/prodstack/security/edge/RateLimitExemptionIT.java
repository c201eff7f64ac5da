package dev.prodstack.security.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The benchmark's exemption list (limit-exempt.bench.conf, mounted only by
 * deployment/docker-compose.bench.yml) lifts the rate limit for this host's clients. RateLimitIT
 * proves the production list leaves the limit as strict as ever.
 */
class RateLimitExemptionIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApiForTheBenchmark();

    /** Three times the burst allowance of 20, back to back. */
    private static final int BURST = 60;

    @Test
    void exemptClientIsNeverRefused() throws Exception {
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < BURST; i++) {
            HttpResponse<String> response = PROXY.client()
                    .send(HttpRequest.newBuilder(PROXY.https("/users")).build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
        }
        assertThat(statuses)
                .as("statuses of %d back-to-back requests from an exempt network", BURST)
                .isEqualTo(Map.of(200, BURST));
    }
}
