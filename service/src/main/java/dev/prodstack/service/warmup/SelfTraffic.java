package dev.prodstack.service.warmup;

import dev.prodstack.service.core.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's own read-only traffic on loopback, marked with {@link Readiness#WARM_UP_HEADER}: the hot paths
 * clients use (a cached user, a page of users, a miss, health) for a fixed time, then the replica is marked warm.
 * It never writes: a warm-up must not change data. Failures are ignored (a dead Postgres is /health's business).
 */
final class SelfTraffic implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SelfTraffic.class);
    private static final Pattern FIRST_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    private final String base;
    private final Readiness readiness;
    private final long durationMillis;
    private final int clients;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    SelfTraffic(int port, Readiness readiness, long durationMillis, int clients) {
        this.base = "http://127.0.0.1:" + port;
        this.readiness = readiness;
        this.durationMillis = durationMillis;
        this.clients = clients;
    }

    @Override
    public void run() {
        final long start = System.nanoTime();
        final AtomicLong requests = new AtomicLong();
        final List<String> paths = paths();
        final long deadline = start + TimeUnit.MILLISECONDS.toNanos(durationMillis);
        final ExecutorService pool = Executors.newFixedThreadPool(clients, runnable -> {
            final Thread thread = new Thread(runnable, "warm-up-client");
            thread.setDaemon(true);
            return thread;
        });
        for (int client = 0; client < clients; client++) {
            pool.execute(() -> {
                for (int i = 0; System.nanoTime() < deadline; i++) {
                    get(paths.get(i % paths.size()));
                    requests.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        try {
            pool.awaitTermination(durationMillis + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readiness.markWarm();
        LOG.info(
                "warm-up done: {} requests to itself in {} ms; /health now reports readiness",
                requests.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** A user that exists gives the cached read; with an empty table only the miss path is warmed. */
    private List<String> paths() {
        final Matcher id = FIRST_ID.matcher(get("/users?limit=1"));
        final String user = id.find() ? "/users/" + id.group(1) : "/users/" + Long.MAX_VALUE;
        return List.of(
                user, user, user, user, "/users?limit=50", user, user, user, "/users/" + Long.MAX_VALUE, "/health");
    }

    private String get(String path) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header(Readiness.WARM_UP_HEADER, readiness.marker())
                .header("User-Agent", "prodstack-warm-up")
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
