package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.BoundedLoad;
import dev.prodstack.acceptance.support.LogStore;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The log store stopped under steady load: clients see no 5xx and no slow request (nothing in
 * the request path waits for logging), and once the store is back every line written meanwhile
 * arrives: nginx's and the api's access line of each request, counted by request id.
 */
@Order(205)
class LogStoreOutageIT extends AbstractAcceptanceTest {

    /** The latency bound of the suite's outage scenarios (the Swarm suite's as well). */
    private static final Duration SLOWEST = Duration.ofSeconds(2);

    @AfterAll
    static void restore() {
        stack.restoreHealthy();
    }

    @Test
    void the_store_down_under_load_costs_clients_nothing_and_every_line_arrives_afterwards() {
        LogStore store = LogStore.of(stack);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(createUser("logout"));
        }
        String run = "acc-logout-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> sentWhileDown = ConcurrentHashMap.newKeySet();
        AtomicLong slowestMs = new AtomicLong();
        boolean[] down = {false};
        BoundedLoad.Request read = i -> timed(
                () -> {
                    String requestId = run + "-r" + i;
                    Response response =
                            edge().header("X-Request-ID", requestId).get("/users/" + ids.get(i % ids.size()));
                    sent.add(requestId);
                    if (down[0]) {
                        sentWhileDown.add(requestId);
                    }
                    return response;
                },
                slowestMs);
        BoundedLoad.Request health = i -> timed(
                () -> {
                    String requestId = run + "-h" + i;
                    Response response = edge().header("X-Request-ID", requestId).get("/health");
                    sent.add(requestId);
                    if (down[0]) {
                        sentWhileDown.add(requestId);
                    }
                    return response;
                },
                slowestMs);

        try (BoundedLoad load =
                BoundedLoad.start(List.of(read, health), Duration.ofSeconds(24), Duration.ofMillis(100))) {
            AcceptanceStack.sleep(Duration.ofSeconds(3));
            stack.compose().stop("log-store");
            down[0] = true;
            assertThat(store.health()).as("the store is down").isEqualTo("down");
            AcceptanceStack.sleep(Duration.ofSeconds(12));
            down[0] = false;
            stack.compose().start("log-store");
            load.awaitEnd(Duration.ofSeconds(15));

            System.out.printf(
                    "LogStoreOutageIT: %d requests under load (%d while the store was down): %s, slowest %d ms%n",
                    load.total(), sentWhileDown.size(), load.tally(), slowestMs.get());
            assertThat(load.total()).as("requests sent under load").isGreaterThan(60);
            assertThat(sentWhileDown).as("requests while the store was down").hasSizeGreaterThan(20);
            assertThat(load.serverErrors())
                    .as("5xx or transport errors while the store was down")
                    .isEmpty();
            assertThat(slowestMs.get()).as("slowest request (ms)").isLessThan(SLOWEST.toMillis());
        }

        stack.waitHealthy(Duration.ofMinutes(3));
        Map<String, Object> runIds = Map.of("prefix", Map.of("request_id", run + "-"));
        Map<String, Object> nginxLines = linesOf("proxy", runIds);
        Map<String, Object> apiLines = linesOf("api", runIds, ACCESS_LINES);
        long restarted = System.nanoTime();
        await("every request's nginx and api line in the store")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    store.refresh();
                    assertThat(store.count(nginxLines))
                            .as("nginx lines of the run")
                            .isEqualTo(sent.size());
                    assertThat(store.count(apiLines))
                            .as("api access lines of the run")
                            .isEqualTo(sent.size());
                });
        System.out.printf(
                "LogStoreOutageIT: all %d + %d lines in the store %d s after it was healthy again%n",
                sent.size(), sent.size(), (System.nanoTime() - restarted) / 1_000_000_000);
        List<String> windowIds = List.copyOf(sentWhileDown);
        Map<String, Object> windowFilter = Map.of("terms", Map.of("request_id", windowIds));
        assertThat(store.count(linesOf("proxy", windowFilter)))
                .as("nginx lines written while the store was down")
                .isEqualTo(windowIds.size());
        assertThat(store.count(linesOf("api", windowFilter, ACCESS_LINES)))
                .as("api access lines written while the store was down")
                .isEqualTo(windowIds.size());
    }

    private static final Map<String, Object> ACCESS_LINES = Map.of("term", Map.of("log_type", "access"));

    /** An OpenSearch query for one service's lines that match every filter (a bool query of filters). */
    @SafeVarargs
    private static Map<String, Object> linesOf(String service, Map<String, Object>... filters) {
        List<Map<String, Object>> all = new ArrayList<>(List.of(filters));
        all.add(Map.of("term", Map.of("service", service)));
        return Map.of("bool", Map.of("filter", all));
    }

    private static Response timed(java.util.function.Supplier<Response> request, AtomicLong slowestMs) {
        long started = System.nanoTime();
        Response response = request.get();
        long ms = (System.nanoTime() - started) / 1_000_000;
        slowestMs.accumulateAndGet(ms, Math::max);
        return response;
    }
}
