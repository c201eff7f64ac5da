package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** blackbox.yml: valid for the exporter, and probing the health check over verified TLS. */
class BlackboxConfigTest {

    @Test
    void theExporterAcceptsTheConfig() {
        Command.Result result = Command.program(
                        MonitoringTools.BLACKBOX_EXPORTER, "--config.file=" + BLACKBOX_CONFIG, "--config.check")
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void httpsHealthVerifiesTheCertificateAgainstTheMountedDevCa() {
        JsonNode http =
                yaml(BLACKBOX_CONFIG).path("modules").path("https_health").path("http");
        assertThat(http.path("fail_if_not_ssl").asBoolean()).isTrue();
        assertThat(http.path("tls_config").path("insecure_skip_verify").asBoolean(false))
                .isFalse();
        String caFile = http.path("tls_config").path("ca_file").asText();
        assertThat(caFile).isEqualTo("/etc/blackbox_exporter/tls/ca.crt");
        assertThat(yaml(COMPOSE_OVERLAY)
                        .path("services")
                        .path("blackbox-exporter")
                        .path("volumes")
                        .toString())
                .as("the overlay mounts the CA where the module reads it")
                .contains("ca.crt:" + caFile + ":ro");
    }

    @Test
    void aDegradedServiceStillPassesAndAnUnhealthyOneFails() {
        JsonNode http =
                yaml(BLACKBOX_CONFIG).path("modules").path("https_health").path("http");
        assertThat(http.path("valid_status_codes")).extracting(JsonNode::asInt).containsExactly(200);
        String bodyPattern =
                http.path("fail_if_body_not_matches_regexp").path(0).asText();
        assertThat("{\"status\":\"degraded\",\"database\":\"connected\"}").containsPattern(bodyPattern);
        assertThat("{\"status\": \"healthy\"}").containsPattern(bodyPattern);
        assertThat("{\"status\":\"unhealthy\"}").doesNotContainPattern(bodyPattern);
    }
}
