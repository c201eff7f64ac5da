package dev.prodstack.service.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The service's own Prometheus metrics (the names the dashboards and alert rules query; monitoring/README.md
 * lists them). One registry per application instance rather than the global default, so several apps in one
 * JVM (the integration tests) never collide.
 */
public final class AppMetrics {
    /** Latency buckets agreed with the dashboards and the SLO alert (seconds). */
    static final double[] LATENCY_BUCKETS = {.005, .01, .025, .05, .1, .2, .3, .5, .75, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram httpRequests = Histogram.builder()
            .name("http_server_requests_seconds")
            .help("HTTP requests by method, route template and status")
            .labelNames("method", "route", "status")
            .classicUpperBounds(LATENCY_BUCKETS)
            .classicOnly()
            .register(registry);
    private final Counter cacheHits = Counter.builder()
            .name("prodstack_cache_hits_total")
            .help("User reads answered from Redis")
            .register(registry);
    private final Counter cacheMisses = Counter.builder()
            .name("prodstack_cache_misses_total")
            .help("User reads that went to Postgres (not cached, or Redis unavailable)")
            .register(registry);
    private final Counter cacheErrors = Counter.builder()
            .name("prodstack_cache_errors_total")
            .help("Redis operations that failed or were skipped while Redis was unavailable")
            .labelNames("operation")
            .register(registry);
    private final Counter usersCreated = Counter.builder()
            .name("prodstack_users_created_total")
            .help("Users created through POST /users")
            .register(registry);
    private final Gauge dependencyUp = Gauge.builder()
            .name("prodstack_dependency_up")
            .help("1 if the dependency answered its last check or call, else 0")
            .labelNames("dependency")
            .register(registry);

    public AppMetrics() {
        // Export every operation from the start, so rate() works before the first error.
        for (String operation : new String[] {"get", "set", "delete"}) {
            cacheErrors.initLabelValues(operation);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void recordRequest(String method, String route, int status, double seconds) {
        httpRequests.labelValues(method, route, Integer.toString(status)).observe(seconds);
    }

    public void cacheHit() {
        cacheHits.inc();
    }

    public void cacheMiss() {
        cacheMisses.inc();
    }

    public void cacheError(String operation) {
        cacheErrors.labelValues(operation).inc();
    }

    public void userCreated() {
        usersCreated.inc();
    }

    public void dependencyUp(String dependency, boolean up) {
        dependencyUp.labelValues(dependency).set(up ? 1 : 0);
    }

    public long cacheHits() {
        return (long) cacheHits.get();
    }

    public long cacheMisses() {
        return (long) cacheMisses.get();
    }

    public long cacheErrors() {
        return (long) (cacheErrors.labelValues("get").get()
                + cacheErrors.labelValues("set").get()
                + cacheErrors.labelValues("delete").get());
    }

    /** hits / (hits + misses), rounded to four places; 0 before the first lookup. */
    public static double hitRate(long hits, long misses) {
        return hits + misses == 0 ? 0 : Math.round(10000.0 * hits / (hits + misses)) / 10000.0;
    }
}
