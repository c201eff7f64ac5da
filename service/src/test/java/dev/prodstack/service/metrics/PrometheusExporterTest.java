package dev.prodstack.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Metric names and buckets fixed in interfaces.md, and which Dropwizard metrics are bridged. */
class PrometheusExporterTest {
    @Test
    void appMetricsUseTheAgreedNamesAndBuckets() throws Exception {
        final AppMetrics metrics = new AppMetrics();
        metrics.recordRequest("GET", "/users/{id}", 200, 0.004);
        metrics.cacheHit();
        metrics.cacheMiss();
        metrics.cacheError("get");
        metrics.userCreated();
        metrics.dependencyUp("cache", false);

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "http_server_requests_seconds_bucket{method=\"GET\",route=\"/users/{id}\",status=\"200\",le=\"0.005\"} 1")
                .contains("le=\"0.3\"", "le=\"0.75\"", "le=\"2.5\"", "le=\"10.0\"")
                .contains("prodstack_cache_hits_total 1.0")
                .contains("prodstack_cache_misses_total 1.0")
                .contains("prodstack_cache_errors_total{operation=\"get\"} 1.0")
                .contains("prodstack_cache_errors_total{operation=\"delete\"} 0.0")
                .contains("prodstack_users_created_total 1.0")
                .contains("prodstack_dependency_up{dependency=\"cache\"} 0.0");
        assertThat(AppMetrics.LATENCY_BUCKETS)
                .containsExactly(.005, .01, .025, .05, .1, .2, .3, .5, .75, 1, 2.5, 5, 10);
    }

    @Test
    void bridgesDropwizardMetricsWhoseNamesCannotCollide() {
        assertThat(PrometheusExporter.exported("io.dropwizard.jetty.MutableServletContextHandler.get-requests"))
                .isTrue();
        assertThat(PrometheusExporter.exported("dev.prodstack.service.resources.UserResource.get"))
                .isTrue();
        assertThat(PrometheusExporter.exported("dev.prodstack.service.resources.UserResource.get.total"))
                .isFalse();
        assertThat(PrometheusExporter.exported("dev.prodstack.service.resources.UserResource.get.request.filtering"))
                .isFalse();
        assertThat(PrometheusExporter.exported("TimeBoundHealthCheck-pool.created"))
                .isFalse();
        assertThat(PrometheusExporter.exported("jvm.memory.heap.used")).isFalse();
    }

    @Test
    void containerLimitsAreKnown() {
        assertThat(ContainerLimits.memoryLimitBytes()).isPositive();
        assertThat(ContainerLimits.cpuLimitCores()).isPositive();
    }
}
