package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.cache.UserCache;
import dev.prodstack.service.metrics.AppMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GET /cache/stats: a subset of Redis INFO (server-wide) and this replica's own hits and misses. When Redis is
 * down it still answers 200, with {@code "status":"disconnected"} and no Redis figures.
 */
@Path("/cache/stats")
@Produces(MediaType.APPLICATION_JSON)
public final class CacheStatsResource {
    private static final List<String> INTEGER_FIELDS =
            List.of("connected_clients", "keyspace_hits", "keyspace_misses", "used_memory", "uptime_in_seconds");

    private final UserCache cache;
    private final AppMetrics metrics;

    public CacheStatsResource(UserCache cache, AppMetrics metrics) {
        this.cache = cache;
        this.metrics = metrics;
    }

    @GET
    @Timed
    public Map<String, Object> stats() {
        final Optional<Map<String, String>> info = cache.info();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", info.isPresent() ? "connected" : "disconnected");
        info.ifPresent(redis -> {
            INTEGER_FIELDS.forEach(field -> body.put(field, parseLong(redis.get(field))));
            body.put("used_memory_human", redis.get("used_memory_human"));
            body.put("redis_version", redis.get("redis_version"));
            body.put("hit_rate", hitRate(parseLong(redis.get("keyspace_hits")), parseLong(redis.get("keyspace_misses"))));
        });
        final long hits = metrics.cacheHits();
        final long misses = metrics.cacheMisses();
        final Map<String, Object> application = new LinkedHashMap<>();
        application.put("hits", hits);
        application.put("misses", misses);
        application.put("errors", metrics.cacheErrors());
        application.put("hit_rate", hitRate(hits, misses));
        body.put("application", application);
        return body;
    }

    static double hitRate(long hits, long misses) {
        return hits + misses == 0 ? 0 : Math.round(10000.0 * hits / (hits + misses)) / 10000.0;
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
