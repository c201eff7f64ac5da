package dev.prodstack.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of GET /metrics: the seed's JSON (its scripts grep {@code requests_total}) plus the KPIs it names, the
 * cache hit rate and the database pool's usage. Field order is the seed's.
 */
public record MetricsSnapshot(
        @JsonProperty("timestamp") String timestamp,
        @JsonProperty("requests_total") long requestsTotal,
        @JsonProperty("errors_total") long errorsTotal,
        @JsonProperty("error_rate") double errorRate,
        @JsonProperty("cpu_percent") double cpuPercent,
        @JsonProperty("memory_mb") double memoryMb,
        @JsonProperty("disk_usage") double diskUsage,
        @JsonProperty("process_id") long processId,
        @JsonProperty("hostname") String hostname,
        @JsonProperty("cache_hit_rate") double cacheHitRate,
        @JsonProperty("db_pool") PoolUsage dbPool) {

    /** Connections of the Postgres pool: in use, idle, the maximum, and active / max. */
    public record PoolUsage(
            @JsonProperty("active") int active,
            @JsonProperty("idle") int idle,
            @JsonProperty("max") int max,
            @JsonProperty("usage") double usage) {}
}
