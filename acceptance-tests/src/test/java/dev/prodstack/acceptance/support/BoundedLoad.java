package dev.prodstack.acceptance.support;

import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Steady, bounded client traffic for the outage tests: a fixed number of threads, a fixed
 * duration, a pause between requests, and a tally of every status (and transport error) seen.
 * Traffic goes only to the stack on this machine.
 */
public final class BoundedLoad implements AutoCloseable {

    /** One request of the mix; gets the iteration number, returns the response. */
    public interface Request extends Function<Integer, Response> {}

    private final ExecutorService executor;
    private final List<Future<?>> workers = new ArrayList<>();
    private final Map<String, AtomicInteger> tally = new ConcurrentHashMap<>();
    private final List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger total = new AtomicInteger();
    private final long deadline;

    private BoundedLoad(int threads, Duration duration) {
        this.executor = Executors.newFixedThreadPool(threads);
        this.deadline = System.nanoTime() + duration.toNanos();
    }

    /**
     * Starts {@code requests.size()} threads, thread i repeating requests[i] with {@code pause}
     * between calls until {@code duration} has passed.
     */
    public static BoundedLoad start(List<Request> requests, Duration duration, Duration pause) {
        BoundedLoad load = new BoundedLoad(requests.size(), duration);
        for (Request request : requests) {
            load.workers.add(load.executor.submit(() -> load.loop(request, pause)));
        }
        return load;
    }

    private void loop(Request request, Duration pause) {
        int iteration = 0;
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            String outcome;
            try {
                Response response = request.apply(iteration++);
                outcome = Integer.toString(response.statusCode());
                if (response.statusCode() >= 500) {
                    serverErrors.add(response.statusCode() + " " + Json.abbreviate(response.asString()));
                }
            } catch (RuntimeException e) {
                outcome = "transport error";
                serverErrors.add("transport error: " + e);
            }
            tally.computeIfAbsent(outcome, key -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the load to finish by itself (bounded by its duration plus a margin). */
    public void awaitEnd(Duration margin) {
        long waitNanos = Math.max(0, deadline - System.nanoTime()) + margin.toNanos();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitNanos, TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
                throw new IllegalStateException("load did not stop in time");
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public int total() {
        return total.get();
    }

    public Map<String, Integer> tally() {
        Map<String, Integer> copy = new TreeMap<>();
        tally.forEach((key, count) -> copy.put(key, count.get()));
        return copy;
    }

    /** 5xx responses and transport errors, with their bodies. */
    public List<String> serverErrors() {
        synchronized (serverErrors) {
            return List.copyOf(serverErrors);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
