package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.core.RequestStats;
import dev.prodstack.service.core.SystemStats;
import dev.prodstack.service.db.ConnectionPool;
import dev.prodstack.service.metrics.AppMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GET /metrics: the seed's JSON snapshot (its scripts grep {@code requests_total}), plus the KPIs the seed
 * names (cache hit rate, pool usage). Prometheus scrapes the admin port instead (/metrics/prometheus).
 */
@Path("/metrics")
@Produces(MediaType.APPLICATION_JSON)
public final class MetricsResource {
    private final RequestStats requests;
    private final AppMetrics metrics;
    private final ConnectionPool pool;

    public MetricsResource(RequestStats requests, AppMetrics metrics, ConnectionPool pool) {
        this.requests = requests;
        this.metrics = metrics;
        this.pool = pool;
    }

    @GET
    @Timed
    public Map<String, Object> metrics() {
        final long total = requests.requests();
        final long errors = requests.errors();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("timestamp", Instant.now().toString());
        body.put("requests_total", total);
        body.put("errors_total", errors);
        body.put("error_rate", (double) errors / Math.max(total, 1));
        body.put("cpu_percent", SystemStats.cpuPercent());
        body.put("memory_mb", SystemStats.memoryMb());
        body.put("disk_usage", SystemStats.diskUsagePercent());
        body.put("process_id", SystemStats.processId());
        body.put("hostname", SystemStats.hostname());
        body.put("cache_hit_rate", CacheStatsResource.hitRate(metrics.cacheHits(), metrics.cacheMisses()));
        final Map<String, Object> poolUsage = new LinkedHashMap<>();
        poolUsage.put("active", pool.active());
        poolUsage.put("idle", pool.idle());
        poolUsage.put("max", pool.max());
        poolUsage.put("usage", pool.usage());
        body.put("db_pool", poolUsage);
        return body;
    }
}
