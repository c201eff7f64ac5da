package dev.prodstack.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.lifecycle.Managed;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the dependency checks every few seconds, so {@code prodstack_dependency_up} and the outage/recovery
 * log lines follow reality even when no request arrives (and alerts do not wait for traffic).
 */
public final class DependencyProbe implements Managed {
    private final ScheduledExecutorService scheduler;
    private final List<HealthCheck> checks;
    private final long intervalMillis;

    public DependencyProbe(ScheduledExecutorService scheduler, List<HealthCheck> checks, long intervalMillis) {
        this.scheduler = scheduler;
        this.checks = checks;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void start() {
        scheduler.scheduleWithFixedDelay(
                () -> checks.forEach(HealthCheck::execute), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }
}
