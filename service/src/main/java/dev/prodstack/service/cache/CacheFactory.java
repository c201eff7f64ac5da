package dev.prodstack.service.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;

/** Cache policy: how long a user stays cached and how long to leave Redis alone after it failed. */
public final class CacheFactory {
    @Min(1)
    private int ttlSeconds = 300;

    /** Namespaces the keys so several deployments (or test runs) can share one Redis. */
    @NotBlank
    private String keyPrefix = "prodstack:user:";

    @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration bypassAfterFailure = Duration.seconds(1);

    @JsonProperty
    public int getTtlSeconds() {
        return ttlSeconds;
    }

    @JsonProperty
    public void setTtlSeconds(int ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
    }

    @JsonProperty
    public String getKeyPrefix() {
        return keyPrefix;
    }

    @JsonProperty
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    @JsonProperty
    public Duration getBypassAfterFailure() {
        return bypassAfterFailure;
    }

    @JsonProperty
    public void setBypassAfterFailure(Duration bypassAfterFailure) {
        this.bypassAfterFailure = bypassAfterFailure;
    }

    public UserCache build(UnifiedJedis redis, ObjectMapper mapper, AppMetrics metrics, DependencyStatus status) {
        return new UserCache(redis, mapper, metrics, status, this);
    }
}
