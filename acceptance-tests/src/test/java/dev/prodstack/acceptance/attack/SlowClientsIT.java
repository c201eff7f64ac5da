package dev.prodstack.acceptance.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.AbstractAcceptanceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Slow and idle clients against the edge, from this host: slowloris (300 connections sending a header line every
 * 2 s), slow POST bodies (a byte every 3 s) and 300 idle keep-alive connections. nginx ends each at the limit
 * security/README.md states (client_header_timeout 10 s for the whole header, client_body_timeout 10 s between two
 * reads, keepalive_timeout 30 s), the api never sees any of them, and a normal client on its own address keeps its
 * usual latency meanwhile (p99 before and during printed).
 */
@Order(150)
class SlowClientsIT extends AbstractAcceptanceTest {

    /** The edge's limits as security/README.md states them (security/nginx/nginx.conf). */
    private static final int CLIENT_HEADER_TIMEOUT_S = 10;

    private static final int CLIENT_BODY_TIMEOUT_S = 10;
    private static final int KEEPALIVE_TIMEOUT_S = 30;
    /** Slack for the timers: nginx's own granularity, TLS set-up, and a loaded 2-core host. */
    private static final double SLACK_S = 3;

    private static final int SLOWLORIS_CONNECTIONS = 300;
    private static final int SLOW_BODIES = 15;
    private static final int IDLE_CONNECTIONS = 300;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void slowloris_is_cut_at_the_header_timeout_and_normal_clients_are_served() throws Exception {
        Instant since = Instant.now().minusSeconds(2);
        NormalClients.Run before = NormalClients.baseline(stack);
        String prefix = "slowloris-" + RUN + "-";
        NormalClients.Run during;
        List<HeldConnection> connections;
        int fewest;
        int opened;
        try (ConnectionFlood flood = ConnectionFlood.start(
                stack.devCa().sslContext(),
                stack.httpsPort(),
                SLOWLORIS_CONNECTIONS,
                new ConnectionFlood.Script() {
                    @Override
                    public String opening(int i) {
                        return "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: " + prefix + i + "\r\n";
                    }

                    @Override
                    public String tick(int n) {
                        return "X-Slow-" + n + ": " + n + "\r\n";
                    }
                },
                true,
                Duration.ofSeconds(2),
                Duration.ofSeconds(60))) {
            flood.awaitInPlace(Duration.ofSeconds(30));
            during = NormalClients.run(stack);
            fewest = flood.fewestHeld();
            flood.checkAttacker();
            flood.close();
            opened = flood.opened();
            connections = flood.connections();
        }
        List<HeldConnection> cut =
                connections.stream().filter(HeldConnection::endedByServer).toList();
        double longest =
                cut.stream().mapToDouble(HeldConnection::lifetimeSeconds).max().orElse(0);
        System.out.printf(
                "SlowClientsIT: slowloris %d connections held (fewest at once %d, %d opened in all, %d cut by nginx,"
                        + " longest-lived %.1f s); normal client before: %s; during: %s%n",
                SLOWLORIS_CONNECTIONS, fewest, opened, cut.size(), longest, before.describe(), during.describe());

        assertThat(fewest)
                .as("connections held at once while the normal client ran")
                .isGreaterThan(250);
        assertThat(cut.size())
                .as("slowloris connections nginx ended itself")
                .isGreaterThanOrEqualTo(SLOWLORIS_CONNECTIONS);
        assertThat(cut)
                .as(
                        "each ended within client_header_timeout (%d s) of its start, however slowly it kept sending",
                        CLIENT_HEADER_TIMEOUT_S)
                .allMatch(c -> c.lifetimeSeconds() <= CLIENT_HEADER_TIMEOUT_S + SLACK_S)
                .allMatch(c -> c.received().isEmpty() || c.lastStatus() == 408);
        assertThat(connections.stream().filter(c -> c.lifetimeSeconds() > CLIENT_HEADER_TIMEOUT_S + SLACK_S))
                .as("no connection outlived the header timeout")
                .isEmpty();
        assertNormalClientUnharmed(before, during);
        assertApiSawNone(since, prefix);
    }

    @Test
    void slow_bodies_stay_at_nginx_and_end_at_the_body_timeout() throws Exception {
        stack.throttle().rest(); // each slow POST is one request of this host's rate-limit bucket
        Instant since = Instant.now().minusSeconds(2);
        NormalClients.Run before = NormalClients.baseline(stack);
        String prefix = "slowpost-" + RUN + "-";
        NormalClients.Run during;
        List<HeldConnection> connections;
        try (ConnectionFlood flood = ConnectionFlood.start(
                stack.devCa().sslContext(),
                stack.httpsPort(),
                SLOW_BODIES,
                new ConnectionFlood.Script() {
                    @Override
                    public String opening(int i) {
                        return "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 200\r\nX-Request-ID: " + prefix + i + "\r\n\r\n{";
                    }

                    @Override
                    public String tick(int n) {
                        return " ";
                    }
                },
                false,
                Duration.ofSeconds(3),
                Duration.ofSeconds(90))) {
            flood.awaitInPlace(Duration.ofSeconds(20));
            during = NormalClients.run(stack);
            flood.checkAttacker();
            connections = flood.connections();
            while (connections.get(0).lifetimeSeconds() < CLIENT_BODY_TIMEOUT_S + SLACK_S + 2) {
                Thread.sleep(500); // held clearly past the body timeout, in case the normal client was quick
            }
            assertThat(connections)
                    .as("a body byte every 3 s keeps each request open past client_body_timeout (it is per read)")
                    .allMatch(HeldConnection::isOpen)
                    .allMatch(c -> c.lifetimeSeconds() > CLIENT_BODY_TIMEOUT_S + SLACK_S);
            assertApiSawNone(since, prefix);
            flood.stopTicking();
            long silentFrom = System.nanoTime();
            for (HeldConnection connection : connections) {
                connection.awaitEnd(CLIENT_BODY_TIMEOUT_S + 10);
            }
            double silentFor = (System.nanoTime() - silentFrom) / 1e9;
            System.out.printf(
                    "SlowClientsIT: slow POST %d connections held %.0f s, all ended %.1f s after their last byte"
                            + " (statuses %s); normal client before: %s; during: %s%n",
                    SLOW_BODIES,
                    connections.get(0).lifetimeSeconds() - silentFor,
                    silentFor,
                    connections.stream()
                            .map(HeldConnection::lastStatus)
                            .distinct()
                            .toList(),
                    before.describe(),
                    during.describe());
            assertThat(connections)
                    .as("silent bodies ended by nginx within client_body_timeout (%d s) + slack", CLIENT_BODY_TIMEOUT_S)
                    .allMatch(HeldConnection::endedByServer)
                    .allMatch(c -> c.lastStatus() == 0 || c.lastStatus() == 408);
            assertThat(silentFor)
                    .as("seconds from the last byte to the last end")
                    .isLessThan(CLIENT_BODY_TIMEOUT_S + SLACK_S);
        }
        assertNormalClientUnharmed(before, during);
        assertApiSawNone(since, prefix);
    }

    @Test
    void idle_keep_alive_connections_are_closed_at_the_keepalive_timeout() throws Exception {
        NormalClients.Run before = NormalClients.baseline(stack);
        NormalClients.Run during;
        List<HeldConnection> connections;
        try (ConnectionFlood flood = ConnectionFlood.start(
                stack.devCa().sslContext(),
                stack.httpsPort(),
                IDLE_CONNECTIONS,
                new ConnectionFlood.Script() {
                    @Override
                    public String opening(int i) {
                        // nginx answers this itself (200, or 429 beyond this host's burst): both keep the connection.
                        return "GET /nginx-health HTTP/1.1\r\nHost: localhost\r\n\r\n";
                    }

                    @Override
                    public String tick(int n) {
                        return null;
                    }
                },
                false,
                Duration.ofSeconds(1),
                Duration.ofSeconds(KEEPALIVE_TIMEOUT_S + 30))) {
            flood.awaitInPlace(Duration.ofSeconds(30));
            during = NormalClients.run(stack);
            flood.checkAttacker();
            connections = flood.connections();
            for (HeldConnection connection : connections) {
                connection.awaitEnd(KEEPALIVE_TIMEOUT_S + 15);
            }
        }
        double shortest = connections.stream()
                .mapToDouble(HeldConnection::lifetimeSeconds)
                .min()
                .orElse(0);
        double longest = connections.stream()
                .mapToDouble(HeldConnection::lifetimeSeconds)
                .max()
                .orElse(0);
        System.out.printf(
                "SlowClientsIT: %d idle keep-alive connections (answers %s) closed by nginx after %.1f-%.1f s;"
                        + " normal client before: %s; during: %s%n",
                IDLE_CONNECTIONS,
                connections.stream()
                        .map(HeldConnection::lastStatus)
                        .distinct()
                        .sorted()
                        .toList(),
                shortest,
                longest,
                before.describe(),
                during.describe());
        assertThat(connections)
                .as("every idle connection got its answer and was then closed by nginx")
                .allMatch(c -> c.lastStatus() == 200 || c.lastStatus() == 429)
                .allMatch(HeldConnection::endedByServer);
        assertThat(shortest)
                .as("no idle connection closed before keepalive_timeout")
                .isGreaterThan(KEEPALIVE_TIMEOUT_S - 1);
        assertThat(longest)
                .as("none kept beyond keepalive_timeout + slack")
                .isLessThan(KEEPALIVE_TIMEOUT_S + SLACK_S + 2);
        assertNormalClientUnharmed(before, during);
    }

    static void assertNormalClientUnharmed(NormalClients.Run before, NormalClients.Run during) {
        assertThat(during.notOk())
                .as("normal requests not answered 200 during the attack")
                .isZero();
        assertThat(NormalClients.withinUsualLatency(before, during))
                .as(
                        "normal p99 during the attack (%.0f ms) within the usual latency (p99 before %.0f ms)",
                        during.p99() * 1000, before.p99() * 1000)
                .isTrue();
    }

    /** None of the attack's ids in the api's logs, while a control request with the same prefix is there. */
    static void assertApiSawNone(Instant since, String prefix) {
        String control = prefix + "control";
        assertThat(edge().header("X-Request-ID", control).get("/health").statusCode())
                .isEqualTo(200);
        ApiSightings.awaitControl(stack, since, control);
        assertThat(ApiSightings.ids(stack, since, prefix))
                .as("request ids of the attack the api saw (only the control may be there)")
                .containsExactly(control);
    }
}
