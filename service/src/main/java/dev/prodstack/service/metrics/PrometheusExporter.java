package dev.prodstack.service.metrics;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.setup.AdminEnvironment;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * Prometheus text on the admin port at /metrics/prometheus (never routed by nginx). Library: Prometheus' own
 * Java client (prometheus-metrics-*): the exposition format comes from the people who define it, the JVM and
 * process collectors use the names every standard dashboard expects, and its Dropwizard bridge exports the
 * Jetty/Jersey/JDBI timers Dropwizard already keeps, so there is no second instrumentation to maintain.
 */
public final class PrometheusExporter {
    public static final String PATH = "/metrics/prometheus";
    /** Prometheus reserves these suffixes and strips them from names, so "X.total" would collide with "X". */
    private static final Set<String> RESERVED_SUFFIXES = Set.of("total", "created", "info", "bucket", "count", "sum");

    private PrometheusExporter() {}

    public static void register(AppMetrics metrics, MetricRegistry dropwizard, AdminEnvironment admin) {
        final PrometheusRegistry registry = metrics.registry();
        JvmMetrics.builder().register(registry);
        DropwizardExports.builder()
                .dropwizardRegistry(dropwizard)
                .metricFilter((name, metric) -> exported(name))
                .register(registry);
        GaugeWithCallback.builder()
                .name("prodstack_container_memory_limit_bytes")
                .help("Memory this process may use: the cgroup limit, or the machine's memory if unlimited")
                .callback(callback -> callback.call(ContainerLimits.memoryLimitBytes()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("prodstack_container_cpu_limit_cores")
                .help("CPU cores this JVM may use (cgroup quota aware)")
                .callback(callback -> callback.call(ContainerLimits.cpuLimitCores()))
                .register(registry);
        admin.addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping(PATH);
    }

    /**
     * Which Dropwizard metrics to bridge. JVM figures come from JvmMetrics under standard names, so Dropwizard's
     * copies are left out. So are names ending in a reserved suffix (and Jersey's ".*.filtering" timers, which
     * http_server_requests_seconds covers): two metrics mapped to one Prometheus name would fail the whole scrape.
     */
    static boolean exported(String dropwizardName) {
        final String lastSegment = dropwizardName.substring(dropwizardName.lastIndexOf('.') + 1);
        return !dropwizardName.startsWith("jvm.")
                && !dropwizardName.endsWith(".filtering")
                && !RESERVED_SUFFIXES.contains(lastSegment);
    }
}
