package dev.prodstack.acceptance.support;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Keeps the suite's own traffic through nginx under the edge's per-client rate limit
 * (10 r/s, burst 20, see security/nginx/nginx.conf): every test request reaches nginx from the
 * same docker gateway address, so without pacing one test's burst would turn the next test's
 * requests into 429s. A token bucket of {@value #RATE_PER_SECOND}/s with a burst of {@value #BURST}.
 */
public final class EdgeThrottle implements Filter {

    static final double RATE_PER_SECOND = 8.0;
    static final double BURST = 10.0;
    /** Long enough for nginx's burst allowance (20 at 10 r/s) to be fully restored. */
    static final long REST_MILLIS = 2_500;

    private double tokens = BURST;
    private long refilledAt = System.nanoTime();

    @Override
    public Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext context) {
        acquire();
        return context.next(request, response);
    }

    public synchronized void acquire() {
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(BURST, tokens + (now - refilledAt) / 1e9 * RATE_PER_SECOND);
            refilledAt = now;
            if (tokens >= 1.0) {
                tokens -= 1.0;
                return;
            }
            long waitMillis = (long) Math.ceil((1.0 - tokens) / RATE_PER_SECOND * 1000);
            sleep(waitMillis);
        }
    }

    /**
     * Waits until nginx has forgotten every earlier request of this client: after a deliberate
     * burst (the rate limit test) and before tools that do not pace themselves (the seed scripts).
     */
    public synchronized void rest() {
        sleep(REST_MILLIS);
        tokens = BURST;
        refilledAt = System.nanoTime();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pacing edge requests", e);
        }
    }
}
