package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deployment/docker-compose.monitoring.yml: a valid overlay of the stack, hardened like it, loopback-only. */
class ComposeOverlayTest {

    /** The overlay as written (image variables, port strings, volumes). */
    private static final JsonNode SERVICES = yaml(COMPOSE_OVERLAY).path("services");

    /** The image variable of each monitoring service; its value is deployment/images/official.env's (or offline.env's). */
    private static final Map<String, String> IMAGES = Map.of(
            "prometheus", "PROMETHEUS_IMAGE",
            "alertmanager", "ALERTMANAGER_IMAGE",
            "grafana", "GRAFANA_IMAGE",
            "postgres-exporter", "POSTGRES_EXPORTER_IMAGE",
            "redis-exporter", "REDIS_EXPORTER_IMAGE",
            "nginx-exporter", "NGINX_EXPORTER_IMAGE",
            "blackbox-exporter", "BLACKBOX_EXPORTER_IMAGE",
            "node-exporter", "NODE_EXPORTER_IMAGE",
            "alert-sink", "NGINX_IMAGE");

    /** FROM scratch official images: no client inside to run a healthcheck with. */
    private static final Set<String> WITHOUT_HEALTHCHECK = Set.of("redis-exporter", "nginx-exporter");

    @TempDir
    static Path secrets;

    /**
     * `compose config` of the base file plus the overlay, what compose will actually run, through
     * `scripts/stack.sh compose`: the scripts' choice of Compose v2 or v1, as operators get it.
     */
    private static Command.Result effective;

    @BeforeAll
    static void renderTheEffectiveConfig() {
        effective = StackCompose.config(secrets, Map.of("COMPOSE_PROFILES", "grafana"), "--monitoring");
    }

    @Test
    void composeAcceptsTheBaseFileWithTheOverlay() {
        assertThat(effective.exitCode()).as(effective.describe()).isZero();
    }

    @Test
    void everyMonitoringServiceNamesItsImageOnlyByAVariableThatMustBeSet() {
        IMAGES.forEach((service, variable) -> assertThat(
                        SERVICES.path(service).path("image").asText())
                .as("image of %s: no second copy of official.env's name", service)
                .startsWith("${" + variable + ":?"));
    }

    @Test
    void theScriptsRunEachMonitoringServiceOnTheOfficialSetsImage() throws java.io.IOException {
        assertThat(effective.exitCode()).as(effective.describe()).isZero();
        Map<String, String> official = new java.util.HashMap<>();
        for (String line : java.nio.file.Files.readAllLines(ROOT.resolve("deployment/images/official.env"))) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                official.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        JsonNode services = yaml(effective.stdout()).path("services");
        IMAGES.forEach((service, variable) -> assertThat(
                        services.path(service).path("image").asText())
                .as("image of %s", service)
                .isEqualTo(official.get(variable)));
    }

    @Test
    void everyMonitoringServiceIsHardenedAndLimited() {
        assertThat(effective.exitCode()).as(effective.describe()).isZero();
        JsonNode services = yaml(effective.stdout()).path("services");
        for (String service : IMAGES.keySet()) {
            JsonNode config = services.path(service);
            assertThat(config.path("read_only").asBoolean())
                    .as("%s read_only", service)
                    .isTrue();
            assertThat(config.path("security_opt"))
                    .extracting(JsonNode::asText)
                    .as("%s security_opt", service)
                    .contains("no-new-privileges:true");
            assertThat(config.path("cap_drop"))
                    .extracting(JsonNode::asText)
                    .as("%s cap_drop", service)
                    .containsExactly("ALL");
            String user = config.path("user").asText();
            assertThat(user)
                    .as("%s runs as a fixed non-root user", service)
                    .isNotBlank()
                    .doesNotStartWith("0:")
                    .isNotEqualTo("0")
                    .doesNotStartWith("root");
            assertThat(config.has("mem_limit")).as("%s mem_limit", service).isTrue();
            assertThat(config.has("cpus")).as("%s cpus", service).isTrue();
            assertThat(config.has("pids_limit")).as("%s pids_limit", service).isTrue();
            assertThat(config.path("restart").asText())
                    .as("%s restart", service)
                    .isEqualTo("unless-stopped");
            if (!WITHOUT_HEALTHCHECK.contains(service)) {
                assertThat(config.path("healthcheck").path("test").size())
                        .as("%s healthcheck", service)
                        .isPositive();
            }
        }
    }

    @Test
    void onlyPrometheusAlertmanagerAndGrafanaPublishAndOnlyOnLoopback() {
        Map<String, List<String>> published = new HashMap<>();
        SERVICES.fields().forEachRemaining(service -> {
            List<String> ports = new ArrayList<>();
            service.getValue().path("ports").forEach(port -> ports.add(port.asText()));
            if (!ports.isEmpty()) {
                published.put(service.getKey(), ports);
            }
        });
        assertThat(published)
                .containsOnly(
                        Map.entry("prometheus", List.of("127.0.0.1:${PROMETHEUS_PORT:-9090}:9090")),
                        Map.entry("alertmanager", List.of("127.0.0.1:${ALERTMANAGER_PORT:-9093}:9093")),
                        Map.entry("grafana", List.of("127.0.0.1:${GRAFANA_PORT:-3000}:3000")));
    }

    @Test
    void networksSeparateScrapingFromPublishing() {
        // `logging`: the logging overlay's shipper and store, declared internal in both overlays.
        assertThat(networks("prometheus")).containsExactlyInAnyOrder("backend", "monitoring", "logging");
        assertThat(networks("alertmanager")).containsExactly("monitoring");
        assertThat(networks("grafana")).containsExactly("monitoring");
        assertThat(networks("postgres-exporter")).containsExactly("backend");
        assertThat(networks("redis-exporter")).containsExactly("backend");
        assertThat(networks("node-exporter")).containsExactly("backend");
        assertThat(networks("nginx-exporter")).containsExactlyInAnyOrder("backend", "frontend");
        assertThat(networks("blackbox-exporter")).containsExactlyInAnyOrder("backend", "frontend", "logging");
        assertThat(yaml(COMPOSE_OVERLAY)
                        .path("networks")
                        .path("logging")
                        .path("internal")
                        .asBoolean())
                .isTrue();
        assertThat(yaml(COMPOSE_OVERLAY)
                        .path("networks")
                        .path("monitoring")
                        .path("internal")
                        .asBoolean(false))
                .as("a published port needs a non-internal network")
                .isFalse();
        assertThat(yaml(COMPOSE_BASE)
                        .path("networks")
                        .path("backend")
                        .path("internal")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void everyApiReplicaAnswersToTasksApiLikeInSwarm() {
        assertThat(SERVICES.path("api").path("networks").path("backend").path("aliases"))
                .extracting(JsonNode::asText)
                .containsExactly("tasks.api");
    }

    @Test
    void prometheusKeepsFifteenDaysOrTwoGigabytes() {
        assertThat(SERVICES.path("prometheus").path("command"))
                .extracting(JsonNode::asText)
                .contains(
                        "--storage.tsdb.retention.time=15d",
                        "--storage.tsdb.retention.size=2GB",
                        "--config.file=/etc/prometheus/prometheus.yml");
        assertThat(SERVICES.path("prometheus").path("volumes"))
                .extracting(JsonNode::asText)
                .contains("prometheus_data:/prometheus", "../monitoring/prometheus/rules:/etc/prometheus/rules:ro");
    }

    @Test
    void postgresExporterReadsTheMonitorRolesPasswordFromItsSecretFile() {
        JsonNode environment = SERVICES.path("postgres-exporter").path("environment");
        assertThat(environment.path("DATA_SOURCE_USER").asText()).isEqualTo("prodstack_monitor");
        assertThat(environment.path("DATA_SOURCE_PASS_FILE").asText()).isEqualTo("/run/secrets/db_monitor_password");
        assertThat(environment.has("DATA_SOURCE_NAME")).isFalse();
        assertThat(environment.has("DATA_SOURCE_PASS")).isFalse();
        // Only its own role's password: never the owner's.
        assertThat(SERVICES.path("postgres-exporter").path("secrets"))
                .extracting(JsonNode::asText)
                .containsExactly("db_monitor_password");
    }

    @Test
    void nodeExporterSeesTheVolumesReadOnlyAndNothingOfTheHost() {
        JsonNode nodeExporter = SERVICES.path("node-exporter");
        assertThat(nodeExporter.path("volumes"))
                .extracting(JsonNode::asText)
                .allMatch(
                        volume -> volume.matches("[a-z_]+:/volumes/[a-z]+:ro"),
                        "named volume under /volumes, read-only");
        assertThat(nodeExporter.has("pid")).isFalse();
        assertThat(nodeExporter.has("privileged")).isFalse();
        assertThat(nodeExporter.path("command")).extracting(JsonNode::asText).contains("--collector.disable-defaults");
    }

    private static List<String> networks(String service) {
        List<String> names = new ArrayList<>();
        JsonNode networks = SERVICES.path(service).path("networks");
        if (networks.isArray()) {
            networks.forEach(network -> names.add(network.asText()));
        } else {
            networks.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
