package dev.prodstack.service.health;

import com.codahale.metrics.health.HealthCheck;
import dev.prodstack.service.cache.UserCache;

/**
 * Redis answers PING. Unhealthy here means degraded service (reads go to Postgres), not an outage: /health
 * still answers 200 with {@code "status":"degraded"}.
 */
public final class RedisHealthCheck extends HealthCheck {
    private final UserCache cache;

    public RedisHealthCheck(UserCache cache) {
        this.cache = cache;
    }

    /** The same PING as {@link #check()}, for /health on every call, without building a {@link Result}. */
    public boolean isUp() {
        return cache.ping();
    }

    @Override
    protected Result check() {
        return isUp()
                ? Result.healthy("connected")
                : Result.unhealthy("redis unavailable: reads are served from Postgres");
    }
}
