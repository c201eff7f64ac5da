package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.api.MetricsSnapshot;
import dev.prodstack.service.core.RequestStats;
import dev.prodstack.service.core.SystemStats;
import dev.prodstack.service.db.ConnectionPool;
import dev.prodstack.service.metrics.AppMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

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
    public MetricsSnapshot metrics() {
        final long total = requests.requests();
        final long errors = requests.errors();
        return new MetricsSnapshot(
                Instant.now().toString(),
                total,
                errors,
                (double) errors / Math.max(total, 1),
                SystemStats.cpuPercent(),
                SystemStats.memoryMb(),
                SystemStats.diskUsagePercent(),
                SystemStats.processId(),
                SystemStats.hostname(),
                AppMetrics.hitRate(metrics.cacheHits(), metrics.cacheMisses()),
                new MetricsSnapshot.PoolUsage(pool.active(), pool.idle(), pool.max(), pool.usage()));
    }
}
