package dev.prodstack.service.health;

import com.codahale.metrics.health.HealthCheck;
import dev.prodstack.service.db.ConnectionPool;
import dev.prodstack.service.metrics.DependencyStatus;
import org.jdbi.v3.core.Jdbi;

/** Postgres answers a query through the application's own pool (so pool exhaustion shows here too). */
public final class DatabaseHealthCheck extends HealthCheck {
    private final Jdbi jdbi;
    private final ConnectionPool pool;
    private final DependencyStatus status;

    public DatabaseHealthCheck(Jdbi jdbi, ConnectionPool pool, DependencyStatus status) {
        this.jdbi = jdbi;
        this.pool = pool;
        this.status = status;
    }

    @Override
    protected Result check() {
        try {
            jdbi.withHandle(handle ->
                    handle.createQuery("SELECT 1").mapTo(Integer.class).one());
        } catch (RuntimeException e) {
            status.markDown(e);
            return Result.unhealthy("database unavailable: %s", DependencyStatus.describe(e));
        }
        status.markUp();
        return Result.healthy("connected; pool active=%d idle=%d max=%d", pool.active(), pool.idle(), pool.max());
    }
}
