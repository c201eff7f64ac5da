package dev.prodstack.monitoring;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.prodstack.monitoring.MonitoringFiles.CHECK_DASHBOARDS_SCRIPT;
import static org.assertj.core.api.Assertions.assertThat;

/** check-dashboards.sh without a Prometheus: shellcheck-clean, documented, and failing clearly (its live run is in LivePrometheusIT). */
class CheckDashboardsScriptTest {

    @Test
    void isShellcheckClean() {
        HostTool.Result result = HostTool.SHELLCHECK.run(Duration.ofMinutes(1), CHECK_DASHBOARDS_SCRIPT.toString());

        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void explainsItselfWithHelp() {
        HostTool.Result result = HostTool.BASH.run(Duration.ofMinutes(1), CHECK_DASHBOARDS_SCRIPT.toString(), "--help");

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).contains("--url", "--require-data", "$__rate_interval");
    }

    @Test
    void rejectsAnUnknownArgumentAsAUsageError() {
        HostTool.Result result = HostTool.BASH.run(Duration.ofMinutes(1), CHECK_DASHBOARDS_SCRIPT.toString(), "--bogus");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr()).contains("unknown argument '--bogus'");
    }

    @Test
    void failsWhenPrometheusDoesNotAnswer() {
        HostTool.Result result = HostTool.BASH.run(Duration.ofMinutes(1), CHECK_DASHBOARDS_SCRIPT.toString(),
                "--url", "http://127.0.0.1:1");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.stderr()).contains("is not ready");
    }
}
