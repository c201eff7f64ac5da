package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.api.CacheStats;
import dev.prodstack.service.cache.UserCache;
import dev.prodstack.service.metrics.AppMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * GET /cache/stats: a subset of Redis INFO (server-wide) and this replica's own hits and misses. When Redis is
 * down it still answers 200, with {@code "status":"disconnected"} and no Redis figures.
 */
@Path("/cache/stats")
@Produces(MediaType.APPLICATION_JSON)
public final class CacheStatsResource {
    private final UserCache cache;
    private final AppMetrics metrics;

    public CacheStatsResource(UserCache cache, AppMetrics metrics) {
        this.cache = cache;
        this.metrics = metrics;
    }

    @GET
    @Timed
    public CacheStats stats() {
        final long hits = metrics.cacheHits();
        final long misses = metrics.cacheMisses();
        final CacheStats.Application application =
                new CacheStats.Application(hits, misses, metrics.cacheErrors(), AppMetrics.hitRate(hits, misses));
        return cache.info()
                .map(redis -> new CacheStats(
                        "connected",
                        parseLong(redis.get("connected_clients")),
                        parseLong(redis.get("keyspace_hits")),
                        parseLong(redis.get("keyspace_misses")),
                        parseLong(redis.get("used_memory")),
                        parseLong(redis.get("uptime_in_seconds")),
                        redis.get("used_memory_human"),
                        redis.get("redis_version"),
                        AppMetrics.hitRate(
                                parseLong(redis.get("keyspace_hits")), parseLong(redis.get("keyspace_misses"))),
                        application))
                .orElseGet(() ->
                        new CacheStats("disconnected", null, null, null, null, null, null, null, null, application));
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
