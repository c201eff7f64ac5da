package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;

import dev.prodstack.acceptance.support.AcceptanceStack;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A deliberate burst past nginx's per-client limit (10 r/s, burst 20): 48 requests at once at
 * GET /, the api's cheapest answer (no database, no cache), so the burst takes milliseconds and
 * measures the limiter. (nginx's own /nginx-health is not limited: its `return` ends the request
 * in the rewrite phase, before limit_req runs.)
 */
final class Bursts {

    static final int REQUESTS = 48;

    private Bursts() {}

    /** The responses of one burst and how long it took to send them all. */
    record Timed(List<Response> responses, Duration elapsed) {}

    /** Fires the burst at {@code path} and returns every response, in completion order of submission. */
    static List<Response> burst(AcceptanceStack stack, String path) {
        return timedBurst(stack, path).responses();
    }

    /** {@link #burst}, with its duration: nginx refills one request per 100 ms while a slow burst runs. */
    static Timed timedBurst(AcceptanceStack stack, String path) {
        stack.throttle().rest();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            long start = System.nanoTime();
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                futures.add(pool.submit(
                        () -> given().spec(stack.edgeUnthrottledSpec()).get(path)));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
            return new Timed(responses, Duration.ofNanos(System.nanoTime() - start));
        } catch (Exception e) {
            throw new IllegalStateException("burst failed", e);
        } finally {
            pool.shutdownNow();
            // Let nginx forget the burst so the next requests are not refused.
            stack.throttle().rest();
        }
    }
}
