package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prometheus.yml: accepted by promtool, and scraping every service of the stack where it listens. */
class PrometheusConfigTest {

    private static final JsonNode CONFIG = yaml(PROMETHEUS_CONFIG);

    @Test
    void promtoolAcceptsTheConfigWithItsRules(@TempDir Path staging) {
        // The config names the rules by their path inside the container; a staged copy points
        // the same glob at the repository's rules, so promtool checks both together.
        String config = read(PROMETHEUS_CONFIG);
        assertThat(config).contains(CONTAINER_RULES_GLOB);
        Path staged = staging.resolve("prometheus.yml");
        write(
                staged,
                config.replace(CONTAINER_RULES_GLOB, RULES.resolve("*.yml").toString()));

        Command.Result result = Command.program(MonitoringTools.PROMTOOL, "check", "config", staged.toString())
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
        for (Path ruleFile : list(RULES, ".yml")) {
            assertThat(result.output())
                    .as("promtool checked %s", ruleFile.getFileName())
                    .contains(ruleFile.toString());
        }
    }

    @Test
    void scrapesEveryPartOfTheStack() {
        assertThat(jobs().keySet())
                .containsExactlyInAnyOrder(
                        "prometheus",
                        "alertmanager",
                        "api",
                        "postgres",
                        "redis",
                        "nginx",
                        "node",
                        "blackbox",
                        "log-shipper",
                        "log-store");
    }

    @Test
    void findsTheLoggingOverlayByDnsSoThatAStackWithoutItHasNoSuchTargets() {
        JsonNode shipper = jobs().get("log-shipper");
        assertThat(shipper.path("metrics_path").asText()).isEqualTo("/api/v1/metrics/prometheus");
        assertThat(shipper.path("dns_sd_configs").path(0).path("names"))
                .extracting(JsonNode::asText)
                .containsExactly("log-shipper");
        assertThat(shipper.path("dns_sd_configs").path(0).path("port").asInt()).isEqualTo(2020);
        JsonNode store = jobs().get("log-store");
        assertThat(store.path("params").path("module"))
                .extracting(JsonNode::asText)
                .containsExactly("opensearch_health");
        assertThat(store.path("dns_sd_configs").path(0).path("names"))
                .extracting(JsonNode::asText)
                .containsExactly("log-store");
        assertThat(staticTargets(shipper)).isEmpty();
        assertThat(staticTargets(store)).isEmpty();
    }

    @Test
    void discoversEveryApiReplicaOnTheAdminPort() {
        JsonNode api = jobs().get("api");
        assertThat(api.path("metrics_path").asText()).isEqualTo("/metrics/prometheus");
        assertThat(api.path("scrape_interval").asText()).isEqualTo("10s");
        JsonNode discovery = api.path("dns_sd_configs").path(0);
        assertThat(discovery.path("names")).extracting(JsonNode::asText).containsExactly("tasks.api");
        assertThat(discovery.path("type").asText()).isEqualTo("A");
        assertThat(discovery.path("port").asInt()).isEqualTo(8081);
    }

    @Test
    void exportersAreScrapedOnTheirStandardPorts() {
        Map<String, List<String>> targets = new HashMap<>();
        jobs().forEach((job, config) -> targets.put(job, staticTargets(config)));
        assertThat(targets)
                .containsEntry("postgres", List.of("postgres-exporter:9187"))
                .containsEntry("redis", List.of("redis-exporter:9121"))
                .containsEntry("nginx", List.of("nginx-exporter:9113"))
                .containsEntry("node", List.of("node-exporter:9100"))
                .containsEntry("alertmanager", List.of("alertmanager:9093"))
                .containsEntry("prometheus", List.of("localhost:9090"))
                .containsEntry("blackbox", List.of("https://proxy:8443/health"));
    }

    @Test
    void blackboxProbesThePublicHealthCheckThroughTheExporter() {
        JsonNode blackbox = jobs().get("blackbox");
        assertThat(blackbox.path("metrics_path").asText()).isEqualTo("/probe");
        assertThat(blackbox.path("params").path("module"))
                .extracting(JsonNode::asText)
                .containsExactly("https_health");
        assertThat(blackbox.path("relabel_configs").toString()).contains("__param_target", "blackbox-exporter:9115");
        assertThat(yaml(BLACKBOX_CONFIG).path("modules").has("https_health")).isTrue();
    }

    @Test
    void alertsGoToAlertmanagerAndEvaluationMatchesTheProbeInterval() {
        assertThat(CONFIG.path("alerting")
                        .path("alertmanagers")
                        .path(0)
                        .path("static_configs")
                        .path(0)
                        .path("targets"))
                .extracting(JsonNode::asText)
                .containsExactly("alertmanager:9093");
        assertThat(CONFIG.path("global").path("scrape_interval").asText()).isEqualTo("15s");
        assertThat(CONFIG.path("global").path("evaluation_interval").asText()).isEqualTo("15s");
        assertThat(CONFIG.path("global").path("external_labels").path("cluster").asText())
                .isEqualTo("prodstack");
        assertThat(CONFIG.path("rule_files")).extracting(JsonNode::asText).containsExactly(CONTAINER_RULES_GLOB);
    }

    @Test
    void everyScrapedHostIsAServiceOfTheComposeStack() {
        JsonNode services = yaml(COMPOSE_OVERLAY).path("services");
        List<String> hosts = new ArrayList<>();
        jobs().values()
                .forEach(job -> staticTargets(job)
                        .forEach(target ->
                                hosts.add(target.replaceFirst("^https?://", "").replaceFirst("[:/].*$", ""))));
        hosts.add(CONFIG.path("alerting")
                .path("alertmanagers")
                .path(0)
                .path("static_configs")
                .path(0)
                .path("targets")
                .path(0)
                .asText()
                .replaceFirst(":.*$", ""));
        for (String host : hosts) {
            if (host.equals("localhost") || host.equals("proxy")) {
                continue; // Prometheus itself; the proxy lives in docker-compose.yml
            }
            assertThat(services.has(host))
                    .as("%s is a service of the monitoring overlay", host)
                    .isTrue();
        }
        assertThat(yaml(COMPOSE_BASE).path("services").has("proxy")).isTrue();
    }

    private static Map<String, JsonNode> jobs() {
        Map<String, JsonNode> jobs = new HashMap<>();
        CONFIG.path("scrape_configs")
                .forEach(job -> jobs.put(job.path("job_name").asText(), job));
        return jobs;
    }

    private static List<String> staticTargets(JsonNode job) {
        List<String> targets = new ArrayList<>();
        job.path("static_configs")
                .forEach(group -> group.path("targets").forEach(target -> targets.add(target.asText())));
        return targets;
    }
}
