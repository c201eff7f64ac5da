package dev.prodstack.acceptance.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.AbstractAcceptanceTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 rapid reset (CVE-2023-44487) against the edge, which speaks h2 ({@code http2 on}): connection after
 * connection of HEADERS + RST_STREAM pairs, at most {@value #STREAMS_PER_CONNECTION} streams each, for as long as a
 * normal client takes to send its requests (bounded to {@value #MAX_CONNECTIONS} connections). nginx ends every
 * connection itself, having handled at most keepalive_requests (10,000) streams on it (in practice: 2 x 128
 * concurrent streams per read, the rest refused, then GOAWAY), the per-client rate limit keeps all but a trickle of
 * the reset requests from the api, and the normal client keeps its usual latency.
 */
@Order(154)
class Http2RapidResetIT extends AbstractAcceptanceTest {

    /** keepalive_requests in security/nginx/nginx.conf: the streams nginx takes on one connection. */
    private static final int KEEPALIVE_REQUESTS = 10_000;

    private static final int STREAMS_PER_CONNECTION = KEEPALIVE_REQUESTS + 2_000;
    private static final int MAX_CONNECTIONS = 200;
    /** limit_req: 10 r/s per client address with a burst of 20. */
    private static final int RATE_PER_SECOND = 10;

    private static final int BURST = 20;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void rapid_reset_is_bounded_per_connection_and_normal_clients_are_served() throws Exception {
        NormalClients.Run before = NormalClients.baseline(stack);
        stack.throttle().rest();
        Instant since = Instant.now().minusSeconds(2);
        String prefix = "rapidreset-" + RUN + "-";
        List<RapidResetClient.Outcome> outcomes = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        CompletableFuture<NormalClients.Run> normal = CompletableFuture.supplyAsync(() -> NormalClients.run(stack));
        while (!normal.isDone() && outcomes.size() < MAX_CONNECTIONS) {
            outcomes.add(RapidResetClient.attack(
                    stack.devCa().sslContext(),
                    stack.httpsPort(),
                    prefix + outcomes.size() + "-",
                    STREAMS_PER_CONNECTION));
        }
        double attackSeconds = (System.nanoTime() - start) / 1e9;
        NormalClients.Run during = normal.get();
        stack.throttle().rest();
        long sent = outcomes.stream()
                .mapToLong(RapidResetClient.Outcome::streamsSent)
                .sum();
        int served = (int) (BURST + RATE_PER_SECOND * Math.ceil(attackSeconds + 2));
        String control = prefix + "control";
        assertThat(edge().header("X-Request-ID", control).get("/health").statusCode())
                .isEqualTo(200);
        ApiSightings.awaitControl(stack, since, control);
        int sawn = ApiSightings.ids(stack, since, prefix).size() - 1;
        int mostHandled = outcomes.stream()
                .mapToInt(RapidResetClient.Outcome::handled)
                .max()
                .orElse(0);
        System.out.printf(
                "Http2RapidResetIT: %d connections, %d streams reset in %.1f s (%.0f/s); nginx handled at most %d"
                        + " streams on one connection (GOAWAY on %d, closed without on %d); first %s;"
                        + " the api saw %d of them (rate limit allows %d); normal client before: %s; during: %s%n",
                outcomes.size(),
                sent,
                attackSeconds,
                sent / attackSeconds,
                mostHandled,
                outcomes.stream().filter(RapidResetClient.Outcome::goaway).count(),
                outcomes.stream().filter(o -> !o.goaway()).count(),
                outcomes.get(0),
                sawn,
                served,
                before.describe(),
                during.describe());

        assertThat(outcomes)
                .as("nginx ended each connection itself (GOAWAY, close or reset)")
                .allMatch(RapidResetClient.Outcome::endedByServer);
        assertThat(outcomes.stream()
                        .mapToInt(RapidResetClient.Outcome::handled)
                        .max()
                        .orElse(0))
                .as("streams nginx handled on one connection, at most keepalive_requests")
                .isLessThanOrEqualTo(KEEPALIVE_REQUESTS);
        assertThat(sawn).as("reset requests that reached the api").isLessThanOrEqualTo(served);
        SlowClientsIT.assertNormalClientUnharmed(before, during);
        assertThat(edge().get("/health").statusCode())
                .as("the edge serves after the attack")
                .isEqualTo(200);
    }
}
