package dev.prodstack.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of GET /cache/stats: a subset of Redis INFO (server-wide; absent when Redis is disconnected) and this
 * replica's own cache figures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheStats(
        @JsonProperty("status") String status,
        @JsonProperty("connected_clients") Long connectedClients,
        @JsonProperty("keyspace_hits") Long keyspaceHits,
        @JsonProperty("keyspace_misses") Long keyspaceMisses,
        @JsonProperty("used_memory") Long usedMemory,
        @JsonProperty("uptime_in_seconds") Long uptimeInSeconds,
        @JsonProperty("used_memory_human") String usedMemoryHuman,
        @JsonProperty("redis_version") String redisVersion,
        @JsonProperty("hit_rate") Double hitRate,
        @JsonProperty("application") Application application) {

    /** This replica's lookups since it started. */
    public record Application(
            @JsonProperty("hits") long hits,
            @JsonProperty("misses") long misses,
            @JsonProperty("errors") long errors,
            @JsonProperty("hit_rate") double hitRate) {}
}
