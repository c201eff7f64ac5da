package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.CHECK_DASHBOARDS_SCRIPT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.testsupport.Command;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** check-dashboards.sh without a Prometheus: shellcheck-clean, documented, and failing clearly (its live run is in LivePrometheusIT). */
class CheckDashboardsScriptTest {

    @Test
    void isShellcheckClean() {
        Command.Result result = Command.program(MonitoringTools.SHELLCHECK, CHECK_DASHBOARDS_SCRIPT.toString())
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void explainsItselfWithHelp() {
        Command.Result result = Command.program(MonitoringTools.BASH, CHECK_DASHBOARDS_SCRIPT.toString(), "--help")
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).contains("--url", "--require-data", "$__rate_interval");
    }

    @Test
    void rejectsAnUnknownArgumentAsAUsageError() {
        Command.Result result = Command.program(MonitoringTools.BASH, CHECK_DASHBOARDS_SCRIPT.toString(), "--bogus")
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr()).contains("unknown argument '--bogus'");
    }

    @Test
    void failsWhenPrometheusDoesNotAnswer() {
        Command.Result result = Command.program(
                        MonitoringTools.BASH, CHECK_DASHBOARDS_SCRIPT.toString(), "--url", "http://127.0.0.1:1")
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.stderr()).contains("is not ready");
    }
}
