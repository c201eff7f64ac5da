package dev.prodstack.service.http;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.handler.QoSHandler;

/**
 * At most {@code max} application requests run at once; the others wait, in arrival order and holding no thread
 * (Jetty's QoSHandler), and one that waited {@code maxWait} gets a 503 JSON error. On a small host, 64
 * concurrent requests on 64 threads take turns on two cores and every one of them gets slower, the tail most
 * (scripts/bench.sh --quick, 3 runs at 8 and 4 unlimited, interleaved: p99 of cached reads direct 32-33 ms against
 * 40-114, through the edge 64-75 against 73-109, POST direct 103-129 against 212-363; 4 and 16 were worse than 8).
 * Requests wait before the servlet filters, so {@link RequestMetricsFilter} times them from their
 * arrival, waiting included. The admin port is not limited.
 */
public final class ConcurrencyLimit {
    private final QoSHandler handler = new QoSHandler();

    private ConcurrencyLimit(int max, Duration maxWait) {
        handler.setMaxRequestCount(max);
        handler.setMaxSuspend(maxWait);
    }

    /** Installs the limit in front of the application's servlets, and its gauges; 0 installs nothing. */
    public static void install(
            int max, Duration maxWait, ServletContextHandler application, PrometheusRegistry registry) {
        if (max == 0) {
            return;
        }
        final ConcurrencyLimit limit = new ConcurrencyLimit(max, maxWait);
        application.insertHandler(limit.handler);
        GaugeWithCallback.builder()
                .name("prodstack_http_requests_waiting")
                .help("Application requests waiting for one of the maxConcurrentRequests slots")
                .callback(callback -> callback.call(limit.handler.getSuspendedRequestCount()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("prodstack_http_requests_max_concurrent")
                .help("Application requests that run at once (maxConcurrentRequests)")
                .callback(callback -> callback.call(max))
                .register(registry);
    }
}
