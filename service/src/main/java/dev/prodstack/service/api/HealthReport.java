package dev.prodstack.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of GET /health. status: healthy, degraded (Redis down, still serving), unhealthy (Postgres down, 503),
 * starting (warming up, 503) or stopping (SIGTERM received, serving out its stop delay, 503).
 * When unhealthy it also carries the error fields (code, message), like every other non-2xx answer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReport(
        @JsonProperty("status") String status,
        @JsonProperty("database") String database,
        @JsonProperty("cache") String cache,
        @JsonProperty("version") String version,
        @JsonProperty("code") Integer code,
        @JsonProperty("message") String message,
        @JsonProperty("request_id") String requestId) {}
