package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** nginx's per-client limit (10 r/s, burst 20): a burst beyond it gets 429 JSON, then the client recovers. */
@Order(130)
class RateLimitIT extends AbstractAcceptanceTest {

    @Test
    void burst_beyond_the_limit_is_refused_with_429_json_then_recovers() {
        Bursts.Timed burst = Bursts.timedBurst(stack, "/");
        List<Response> responses = burst.responses();
        // 10 r/s: nginx admits one more request for every 100 ms the burst itself takes (TLS handshakes
        // on a loaded 2-core machine can stretch 48 requests to a second or more).
        int refilled = (int) Math.ceil(burst.elapsed().toMillis() / 100.0);

        Map<Integer, Integer> statuses = new TreeMap<>();
        responses.forEach(response -> statuses.merge(response.statusCode(), 1, Integer::sum));
        System.out.printf(
                "RateLimitIT: burst of %d requests in %d ms -> %s%n",
                Bursts.REQUESTS, burst.elapsed().toMillis(), statuses);
        assertThat(statuses.keySet())
                .as("only 200 and 429 in the burst: %s", statuses)
                .containsOnly(200, 429);
        assertThat(statuses.get(200))
                .as(
                        "the burst allowance (20 + the first) plus the %d refilled during the burst is served: %s",
                        refilled, statuses)
                .isBetween(20, 21 + refilled + 1);
        assertThat(statuses.getOrDefault(429, 0))
                .as("the rest is refused: %s", statuses)
                .isPositive();
        Response refused = responses.stream()
                .filter(r -> r.statusCode() == 429)
                .findFirst()
                .orElseThrow();
        EdgeAssertions.assertJsonError(refused, 429, "429 body");
        assertThat(refused.jsonPath().getInt("code")).isEqualTo(429);

        // Bursts.burst has already waited for nginx to forget the burst.
        Response after = edge().get("/health");
        assertThat(edge().get("/").statusCode())
                .as("the limited path itself again")
                .isEqualTo(200);
        assertThat(after.statusCode())
                .as("a request after the client slowed down")
                .isEqualTo(200);
    }

    @Test
    void a_steady_client_under_the_rate_is_never_refused() {
        int refused = 0;
        for (int i = 0; i < 25; i++) {
            // The throttle paces at 8 r/s, under nginx's 10 r/s.
            if (edge().get("/health").statusCode() == 429) {
                refused++;
            }
        }
        assertThat(refused).as("429s for a client at 8 r/s").isZero();
    }
}
