package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.Dashboards.DATASOURCE_TYPE;
import static dev.prodstack.monitoring.Dashboards.DATASOURCE_UID;
import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grafana as code: the fixed-uid data source, the dashboard provider, and dashboards that only use that data source. */
class GrafanaProvisioningTest {

    private static final JsonNode GRAFANA_SERVICE =
            yaml(COMPOSE_OVERLAY).path("services").path("grafana");

    @Test
    void provisionsPrometheusWithTheFixedUidAsTheOnlyDataSource() {
        JsonNode datasources =
                yaml(GRAFANA_PROVISIONING.resolve("datasources/prometheus.yml")).path("datasources");
        assertThat(datasources.size()).isEqualTo(1);
        JsonNode prometheus = datasources.path(0);
        assertThat(prometheus.path("uid").asText()).isEqualTo(DATASOURCE_UID);
        assertThat(prometheus.path("type").asText()).isEqualTo(DATASOURCE_TYPE);
        assertThat(prometheus.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(prometheus.path("access").asText()).isEqualTo("proxy");
        assertThat(prometheus.path("isDefault").asBoolean()).isTrue();
        assertThat(prometheus.path("editable").asBoolean()).isFalse();
    }

    @Test
    void theDashboardProviderReadsTheMountedDashboardDirectory() {
        JsonNode provider = yaml(GRAFANA_PROVISIONING.resolve("dashboards/prodstack.yml"))
                .path("providers")
                .path(0);
        String path = provider.path("options").path("path").asText();
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("allowUiUpdates").asBoolean()).isFalse();
        assertThat(GRAFANA_SERVICE.path("volumes"))
                .extracting(JsonNode::asText)
                .contains(
                        "../monitoring/grafana/dashboards:" + path + ":ro",
                        "../monitoring/grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void theSixDashboardsExistWithUniqueUidsAndTitles() {
        List<Path> files = Dashboards.files();
        assertThat(files)
                .extracting(file -> file.getFileName().toString())
                .containsExactlyInAnyOrder(
                        "service-overview.json", "cache.json", "postgres.json", "redis.json", "nginx.json", "jvm.json");
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Path file : files) {
            JsonNode dashboard = json(file);
            assertThat(uids.add(dashboard.path("uid").asText()))
                    .as("unique uid in %s", file)
                    .isTrue();
            assertThat(titles.add(dashboard.path("title").asText()))
                    .as("unique title in %s", file)
                    .isTrue();
            assertThat(dashboard.path("uid").asText()).as("uid of %s", file).matches("[a-z0-9-]{1,40}");
        }
    }

    @Test
    void everyPanelQueryAndVariableUsesTheProvisionedDataSource() {
        for (Path file : Dashboards.files()) {
            JsonNode dashboard = json(file);
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : Dashboards.panels(dashboard)) {
                String where =
                        file.getFileName() + " panel '" + panel.path("title").asText() + "'";
                assertThat(ids.add(panel.path("id").asInt()))
                        .as("unique id of %s", where)
                        .isTrue();
                assertDataSource(panel.path("datasource"), where);
                panel.path("targets").forEach(target -> {
                    assertDataSource(
                            target.path("datasource"),
                            where + " target " + target.path("refId").asText());
                    assertThat(target.path("expr").asText())
                            .as("expression of %s", where)
                            .isNotBlank();
                });
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(panel.path("targets").size())
                            .as("queries of %s", where)
                            .isPositive();
                }
            }
            dashboard
                    .path("templating")
                    .path("list")
                    .forEach(variable -> assertDataSource(
                            variable.path("datasource"), file.getFileName() + " variable " + variable.path("name")));
        }
    }

    @Test
    void theOverviewShowsEverySeedKpiAsAStatWithThresholds() {
        JsonNode overview = json(DASHBOARDS.resolve("service-overview.json"));
        List<String> kpis = List.of(
                "job:kpi_response_time_avg_seconds:rate5m",
                "job:kpi_error_ratio:rate5m",
                "job:kpi_cpu_usage_ratio:avg_rate5m",
                "job:kpi_memory_usage_ratio:max",
                "job:kpi_db_pool_usage_ratio:max",
                "job:kpi_cache_hit_ratio:rate5m");
        for (String kpi : kpis) {
            JsonNode stat = Dashboards.panels(overview).stream()
                    .filter(panel -> panel.path("type").asText().equals("stat"))
                    .filter(panel ->
                            panel.path("targets").path(0).path("expr").asText().startsWith(kpi + "{"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no stat panel for " + kpi));
            assertThat(stat.path("fieldConfig")
                            .path("defaults")
                            .path("thresholds")
                            .path("steps")
                            .size())
                    .as("threshold steps of the %s stat", kpi)
                    .isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theAdminPasswordComesFromASecretFileAndNobodyIsAnonymousAdmin() {
        JsonNode environment = GRAFANA_SERVICE.path("environment");
        assertThat(environment.path("GF_SECURITY_ADMIN_PASSWORD__FILE").asText())
                .isEqualTo("/run/secrets/grafana_admin_password");
        assertThat(environment.has("GF_SECURITY_ADMIN_PASSWORD")).isFalse();
        assertThat(environment.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("false");
        assertThat(GRAFANA_SERVICE.path("secrets")).extracting(JsonNode::asText).contains("grafana_admin_password");
        assertThat(read(COMPOSE_OVERLAY)).doesNotContain("admin123");
    }

    @Test
    void grafanaIsOptionalBecauseNoOfflineImageExists() {
        assertThat(GRAFANA_SERVICE.path("profiles"))
                .extracting(JsonNode::asText)
                .containsExactly("grafana");
    }

    private static void assertDataSource(JsonNode datasource, String where) {
        assertThat(datasource.path("type").asText())
                .as("data source type of %s", where)
                .isEqualTo(DATASOURCE_TYPE);
        assertThat(datasource.path("uid").asText())
                .as("data source uid of %s", where)
                .isEqualTo(DATASOURCE_UID);
    }
}
