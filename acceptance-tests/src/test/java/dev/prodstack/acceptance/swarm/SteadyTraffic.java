package dev.prodstack.acceptance.swarm;

import static io.restassured.RestAssured.given;

import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.response.Response;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of client requests through nginx at a fixed rate, every answer recorded (what
 * was asked, when, how long it took, status, and for {@code GET /} the version that answered).
 * The mix of ten: five {@code GET /} (the version), four cached {@code GET /users/{id}}, one
 * {@code POST /users}. Each request opens its own TLS connection (REST Assured's default), so
 * what is measured is the edge, not a client's stale pooled connection. The rate stays under
 * nginx's per-client limit (10 r/s, burst 20): every request of the suite shares one address.
 */
final class SteadyTraffic implements AutoCloseable {

    /** One answer, or a transport error ({@code status} 0). Times are ms since the traffic began. */
    record Answer(
            int index,
            String method,
            String path,
            String requestId,
            long startedMs,
            long latencyMs,
            int status,
            String contentType,
            String version,
            String username,
            String error) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean isWrite() {
            return "POST".equals(method);
        }
    }

    private final String baseUrl;
    private final RestAssuredConfig config;
    private final List<Long> userIds;
    private final String runTag;
    private final int count;
    private final double ratePerSecond;
    private final ExecutorService senders = Executors.newFixedThreadPool(24);
    private final List<Future<Answer>> pending = new ArrayList<>();
    private final Thread scheduler;
    private volatile long startNanos;
    private volatile long endMs = Long.MAX_VALUE;

    private SteadyTraffic(String baseUrl, KeyStore trust, List<Long> userIds, int count, double ratePerSecond) {
        this.baseUrl = baseUrl;
        this.config = RestAssuredConfig.config().sslConfig(SSLConfig.sslConfig().trustStore(trust));
        this.userIds = List.copyOf(userIds);
        this.runTag = UUID.randomUUID().toString().substring(0, 8);
        this.count = count;
        this.ratePerSecond = ratePerSecond;
        this.scheduler = new Thread(this::schedule, "steady-traffic");
    }

    /** Starts sending {@code count} requests at {@code ratePerSecond} in the background. */
    static SteadyTraffic start(String baseUrl, KeyStore trust, List<Long> userIds, int count, double ratePerSecond) {
        SteadyTraffic traffic = new SteadyTraffic(baseUrl, trust, userIds, count, ratePerSecond);
        traffic.startNanos = System.nanoTime();
        traffic.scheduler.start();
        return traffic;
    }

    /** Milliseconds since the traffic began: the clock every {@link Answer} uses. */
    long nowMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Seconds the whole run takes at its rate. */
    double plannedSeconds() {
        return count / ratePerSecond;
    }

    private void schedule() {
        for (int i = 0; i < count && nowMs() < endMs; i++) {
            long due = startNanos + (long) (i * 1e9 / ratePerSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            int index = i;
            synchronized (pending) {
                pending.add(senders.submit(() -> send(index)));
            }
        }
    }

    private Answer send(int index) {
        String requestId = "swarm-" + runTag + "-" + index;
        String method;
        String path;
        String username = null;
        int slot = index % 10;
        if (slot == 9) {
            method = "POST";
            path = "/users";
            username = "sw_" + runTag + "_" + index;
        } else if (slot % 2 == 0) {
            method = "GET";
            path = "/";
        } else {
            method = "GET";
            path = "/users/" + userIds.get(index % userIds.size());
        }
        long started = nowMs();
        try {
            var request = given().config(config).baseUri(baseUrl).header("X-Request-ID", requestId);
            Response response = "POST".equals(method)
                    ? request.contentType("application/json")
                            .body(Map.of("username", username, "email", username + "@example.com"))
                            .post(path)
                    : request.get(path);
            String version = "/".equals(path) && response.statusCode() == 200
                    ? response.jsonPath().getString("version")
                    : null;
            return new Answer(
                    index,
                    method,
                    path,
                    requestId,
                    started,
                    nowMs() - started,
                    response.statusCode(),
                    response.contentType(),
                    version,
                    username,
                    null);
        } catch (RuntimeException e) {
            return new Answer(
                    index, method, path, requestId, started, nowMs() - started, 0, null, null, username, e.toString());
        }
    }

    /**
     * Ends the run early, {@code tailMs} from now, once the scenario has settled: the count is the
     * most a scenario sends, not what it must wait for.
     */
    void endAfter(long tailMs) {
        endMs = nowMs() + tailMs;
    }

    /** Waits for every request to be sent and answered, then returns the answers in order. */
    List<Answer> finish() {
        try {
            scheduler.join((long) (plannedSeconds() * 1000) + 120_000);
            List<Answer> answers = new ArrayList<>();
            List<Future<Answer>> futures;
            synchronized (pending) {
                futures = List.copyOf(pending);
            }
            for (Future<Answer> future : futures) {
                answers.add(future.get(2, TimeUnit.MINUTES));
            }
            answers.sort(Comparator.comparingInt(Answer::index));
            return answers;
        } catch (Exception e) {
            throw new IllegalStateException("steady traffic did not finish", e);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        scheduler.interrupt();
        senders.shutdownNow();
    }
}
