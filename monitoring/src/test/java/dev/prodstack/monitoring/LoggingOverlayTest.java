package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging overlay (deployment/docker-compose.logging.yml) and the log contract its two
 * shippers share: the offline one (rsyslog) runs in the acceptance suite; the official one
 * (Fluent Bit) cannot run here, so this is what holds it to the same port, indices and fields.
 */
class LoggingOverlayTest {

    private static final Path LOGGING = ROOT.resolve("deployment/logging");
    private static final JsonNode OVERLAY = yaml(ROOT.resolve("deployment/docker-compose.logging.yml"));
    private static final JsonNode SERVICES = OVERLAY.path("services");
    private static final String RSYSLOG = read(LOGGING.resolve("rsyslog/rsyslog.conf"));
    private static final String FLUENT_BIT = read(LOGGING.resolve("fluent-bit/fluent-bit.conf"));

    @TempDir
    static Path secrets;

    /** `compose config` of the base file, the monitoring and the logging overlay, through scripts/stack.sh. */
    private static Command.Result effective;

    @BeforeAll
    static void renderTheEffectiveConfig() {
        effective = StackCompose.config(secrets, Map.of(), "--monitoring", "--logging");
    }

    @Test
    void composeAcceptsTheBaseFileWithBothOverlays() {
        assertThat(effective.exitCode()).as(effective.describe()).isZero();
        JsonNode services = yaml(effective.stdout()).path("services");
        assertThat(services.path("log-shipper")
                        .path("environment")
                        .path("LOG_PROJECT")
                        .asText())
                .isEqualTo("prodstack");
        // Every container's lines carry project, service and container name (the shipper keys on them).
        for (String name : List.of("proxy", "api", "db", "prometheus", "log-store")) {
            JsonNode options = services.path(name).path("logging").path("options");
            assertThat(options.path("labels").asText())
                    .as("log labels of %s", name)
                    .isEqualTo("com.docker.compose.project,com.docker.compose.service");
            assertThat(options.path("tag").asText()).as("log tag of %s", name).isEqualTo("{{.Name}}");
        }
    }

    @Test
    void everyServiceIsHardenedAndLimited() {
        assertThat(effective.exitCode()).as(effective.describe()).isZero();
        JsonNode effectiveServices = yaml(effective.stdout()).path("services");
        for (String name : List.of("log-store", "log-retention", "log-shipper")) {
            JsonNode service = effectiveServices.path(name);
            assertThat(service.path("read_only").asBoolean())
                    .as("%s read_only", name)
                    .isTrue();
            assertThat(service.path("cap_drop"))
                    .extracting(JsonNode::asText)
                    .as("%s cap_drop", name)
                    .containsExactly("ALL");
            assertThat(service.has("cap_add")).as("%s adds no capability", name).isFalse();
            assertThat(service.path("security_opt"))
                    .extracting(JsonNode::asText)
                    .as("%s", name)
                    .contains("no-new-privileges:true");
            assertThat(service.path("mem_limit").asText())
                    .as("%s mem_limit", name)
                    .isNotBlank()
                    .isNotEqualTo("0");
            assertThat(service.path("pids_limit").asInt())
                    .as("%s pids_limit", name)
                    .isPositive();
            assertThat(service.path("user").asText()).as("%s user", name).isNotBlank();
            assertThat(service.has("privileged")).as("%s privileged", name).isFalse();
        }
        assertThat(SERVICES.path("log-store").path("user").asText()).isEqualTo("1000:1000");
        assertThat(SERVICES.path("log-retention").path("user").asText()).isEqualTo("1000:1000");
        // The one uid 0 (Docker's log files are readable by their owner only), without capabilities.
        assertThat(SERVICES.path("log-shipper").path("user").asText()).isEqualTo("0:0");
        assertThat(SERVICES.path("log-shipper").path("volumes"))
                .extracting(JsonNode::asText)
                .contains("/var/lib/docker/containers:/var/lib/docker/containers:ro")
                .allSatisfy(volume -> assertThat(volume)
                        .as("the shipper's bind mounts are read-only")
                        .matches("log_shipper_spool:.*|.*:ro"));
    }

    @Test
    void theStoreIsReachableOnlyFromTheInternalNetworkAndHostLoopback() {
        assertThat(SERVICES.path("log-store").path("ports"))
                .extracting(JsonNode::asText)
                .containsExactly("127.0.0.1:${LOG_STORE_PORT:-9200}:9200");
        for (String name : List.of("log-retention", "log-shipper")) {
            assertThat(SERVICES.path(name).has("ports"))
                    .as("%s publishes nothing", name)
                    .isFalse();
            assertThat(SERVICES.path(name).path("networks"))
                    .extracting(JsonNode::asText)
                    .as(name)
                    .containsExactly("logging");
        }
        assertThat(OVERLAY.path("networks").path("logging").path("internal").asBoolean())
                .isTrue();
    }

    @Test
    void bothShippersReadDockersLogsOfThisProjectAndWriteTheSameIndicesOnTheSamePort() {
        assertThat(RSYSLOG)
                .contains("file=\"/var/lib/docker/containers/*/*-json.log\"")
                .contains("server=\"log-store\"")
                .contains("serverport=\"9200\"")
                .contains("string=\"prodstack-logs-%$.day%\"")
                .contains("getenv(\"LOG_PROJECT\")");
        assertThat(FLUENT_BIT)
                .containsPattern("(?m)^\\s+Path\\s+/var/lib/docker/containers/\\*/\\*-json\\.log$")
                .containsPattern("(?m)^\\s+Host\\s+log-store$")
                .containsPattern("(?m)^\\s+Port\\s+9200$")
                .containsPattern("(?m)^\\s+Logstash_Prefix\\s+prodstack-logs$")
                .containsPattern("(?m)^\\s+Logstash_DateFormat\\s+%Y\\.%m\\.%d$")
                .containsPattern("(?m)^\\s+Regex\\s+com\\.docker\\.compose\\.project \\^\\$\\{LOG_PROJECT}\\$$");
        assertThat(SERVICES.path("log-shipper")
                        .path("environment")
                        .path("LOG_PROJECT")
                        .asText())
                .isEqualTo("${COMPOSE_PROJECT_NAME:-prodstack}");
        assertThat(read(LOGGING.resolve("log-retention.sh"))).contains("prefix=prodstack-logs-");
        assertThat(json(LOGGING.resolve("index-template.json")).path("index_patterns"))
                .extracting(JsonNode::asText)
                .containsExactly("prodstack-logs-*");
    }

    @Test
    void bothShippersSetTheContractsFields() {
        for (String field : List.of(
                "@timestamp", "service", "container", "stream", "message", "request_id", "path", "duration_ms")) {
            assertThat(RSYSLOG).as("rsyslog.conf sets %s", field).contains("$!doc!" + field + " = ");
        }
        // Fluent Bit: service and container from Docker's attrs, message from a line that is not
        // JSON, the api's request id, path and duration_ms by prodstack.lua, @timestamp by the output.
        assertThat(FLUENT_BIT)
                .containsPattern("Hard_rename\\s+com\\.docker\\.compose\\.service service")
                .containsPattern("Hard_rename\\s+tag container")
                .containsPattern("Rename\\s+log message")
                .containsPattern("Time_Key\\s+@timestamp")
                .containsPattern("(?m)^\\s+script\\s+/fluent-bit/etc/prodstack.lua$");
        String lua = read(LOGGING.resolve("fluent-bit/prodstack.lua"));
        assertThat(lua)
                .contains("record[\"request_id\"]")
                .contains("record[\"path\"]")
                .contains("record[\"duration_ms\"]");
        JsonNode properties = json(LOGGING.resolve("index-template.json"))
                .path("template")
                .path("mappings")
                .path("properties");
        for (String field : List.of(
                "@timestamp",
                "service",
                "container",
                "level",
                "message",
                "request_id",
                "method",
                "path",
                "status",
                "duration_ms",
                "stream")) {
            assertThat(properties.has(field))
                    .as("index template maps %s", field)
                    .isTrue();
        }
    }

    @Test
    void bothShippersServeTheirCountersOnPort2020AtTheSamePath() {
        assertThat(FLUENT_BIT)
                .containsPattern("(?m)^\\s+HTTP_Port\\s+2020$")
                .containsPattern("(?m)^\\s+HTTP_Server\\s+On$");
        String entrypoint = read(ROOT.resolve("deployment/images/rsyslog/log-shipper.sh"));
        assertThat(entrypoint)
                .contains("busybox httpd -f -p 2020")
                .contains("metrics=\"$www/api/v1/metrics/prometheus\"");
    }

    @Test
    void theShippersQueueIsDiskAssistedAndBounded() {
        assertThat(RSYSLOG)
                .contains("queue.type=\"LinkedList\"")
                .contains("queue.filename=\"store\"")
                .contains("queue.size=\"20000\"")
                .contains("queue.maxDiskSpace=\"512m\"")
                .contains("queue.saveOnShutdown=\"on\"")
                .contains("action.resumeRetryCount=\"-1\"");
        assertThat(FLUENT_BIT)
                .containsPattern("storage.type\\s+filesystem")
                .containsPattern("storage.total_limit_size\\s+512M")
                .containsPattern("Retry_Limit\\s+no_limits");
    }

    @Test
    void retentionDefaultsToSevenDaysAndTheOperatorSetsIt() {
        JsonNode environment = SERVICES.path("log-retention").path("environment");
        assertThat(environment.path("LOG_RETENTION_DAYS").asText()).isEqualTo("${LOG_RETENTION_DAYS:-7}");
        assertThat(environment.path("LOG_RETENTION_INTERVAL").asText()).isEqualTo("${LOG_RETENTION_INTERVAL:-3600}");
    }
}
