package dev.prodstack.service.db;

import io.dropwizard.db.ManagedDataSource;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.tomcat.jdbc.pool.DataSourceProxy;

/** Usage of the Postgres connection pool, for /metrics, the health message and the Prometheus gauges. */
public final class ConnectionPool {
    private final DataSourceProxy pool;

    public ConnectionPool(ManagedDataSource dataSource) {
        // Dropwizard's pooled data source is tomcat-jdbc's; the cast is the documented way to its statistics.
        this.pool = (DataSourceProxy) dataSource;
    }

    public int active() {
        return pool.getActive();
    }

    public int idle() {
        return pool.getIdle();
    }

    public int max() {
        return pool.getMaxActive();
    }

    /** Share of the pool in use, 0..1 (the seed's KPI: below 0.8). */
    public double usage() {
        return max() == 0 ? 0 : (double) active() / max();
    }

    public void register(PrometheusRegistry registry) {
        gauge(registry, "prodstack_db_pool_active_connections", "Connections checked out of the pool", this::active);
        gauge(registry, "prodstack_db_pool_idle_connections", "Open connections waiting in the pool", this::idle);
        gauge(registry, "prodstack_db_pool_max_connections", "Pool size limit", this::max);
    }

    private static void gauge(
            PrometheusRegistry registry, String name, String help, java.util.function.IntSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsInt()))
                .register(registry);
    }
}
