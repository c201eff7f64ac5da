package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Alert and recording rules: valid for promtool, unit-tested, documented, and the seed's alerts and KPIs present. */
class AlertRulesTest {

    private static final String RECORDING_FILE = "recording.yml";
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info", "none");

    /** One rule with the file and group it is in. */
    record Rule(Path file, String group, JsonNode node) {

        boolean isAlert() {
            return node.has("alert");
        }

        String name() {
            return isAlert() ? node.path("alert").asText() : node.path("record").asText();
        }

        String label(String name) {
            return node.path("labels").path(name).asText(null);
        }

        String annotation(String name) {
            return node.path("annotations").path(name).asText(null);
        }
    }

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (Path file : list(RULES, ".yml")) {
            yaml(file)
                    .path("groups")
                    .forEach(group -> group.path("rules")
                            .forEach(rule ->
                                    rules.add(new Rule(file, group.path("name").asText(), rule))));
        }
        return rules;
    }

    static List<Rule> alerts() {
        return rules().stream().filter(Rule::isAlert).toList();
    }

    @Nested
    class Promtool {

        @Test
        void acceptsEveryRuleFile() {
            List<String> arguments = new ArrayList<>(List.of("check", "rules"));
            list(RULES, ".yml").forEach(file -> arguments.add(file.toString()));

            Command.Result result = Command.program(MonitoringTools.PROMTOOL, arguments.toArray(String[]::new))
                    .timeout(Duration.ofMinutes(1))
                    .run();

            assertThat(result.exitCode()).as(result.describe()).isZero();
        }

        @Test
        void passesEveryRuleUnitTest() {
            List<Path> testFiles = list(RULE_TESTS, ".yml");
            assertThat(testFiles).as("rule unit tests in %s", RULE_TESTS).isNotEmpty();
            List<String> arguments = new ArrayList<>(List.of("test", "rules"));
            testFiles.forEach(file -> arguments.add(file.toString()));

            Command.Result result = Command.program(MonitoringTools.PROMTOOL, arguments.toArray(String[]::new))
                    .timeout(Duration.ofMinutes(3))
                    .run();

            assertThat(result.exitCode()).as(result.describe()).isZero();
            assertThat(result.output()).as(result.describe()).doesNotContain("FAILED");
        }
    }

    @Nested
    class Layout {

        @Test
        void oneGroupPerFileAndAlertsApartFromRecordingRules() {
            for (Path file : list(RULES, ".yml")) {
                JsonNode groups = yaml(file).path("groups");
                assertThat(groups.size()).as("groups in %s", file.getFileName()).isEqualTo(1);
                boolean recordingFile = file.getFileName().toString().equals(RECORDING_FILE);
                groups.path(0)
                        .path("rules")
                        .forEach(rule -> assertThat(rule.has("record"))
                                .as(
                                        "%s holds only %s rules: %s",
                                        file.getFileName(), recordingFile ? "recording" : "alerting", rule)
                                .isEqualTo(recordingFile));
            }
        }

        @Test
        void namesAreUnique() {
            Set<String> seen = new HashSet<>();
            for (Rule rule : rules()) {
                assertThat(seen.add(rule.name()))
                        .as("%s is defined once", rule.name())
                        .isTrue();
            }
        }

        @Test
        void recordingRulesFollowTheLevelMetricOperationsConvention() {
            rules().stream()
                    .filter(rule -> !rule.isAlert())
                    .forEach(rule -> assertThat(rule.name())
                            .as("recording rule name level:metric:operations")
                            .matches("[a-z][a-z_]*:[a-z][a-z0-9_]*:[a-z0-9_]+"));
        }
    }

    @Nested
    class EveryAlert {

        @Test
        void waitsWithForAndHasASeverity() {
            for (Rule alert : alerts()) {
                assertThat(alert.node().has("for"))
                        .as("%s has for:", alert.name())
                        .isTrue();
                assertThat(alert.label("severity"))
                        .as("%s severity", alert.name())
                        .isIn(SEVERITIES);
            }
        }

        @Test
        void hasASummaryADescriptionAndARunbookSectionInTheReadme() {
            String readme = read(README);
            for (Rule alert : alerts()) {
                assertThat(alert.annotation("summary"))
                        .as("%s summary", alert.name())
                        .isNotBlank();
                assertThat(alert.annotation("description"))
                        .as("%s description", alert.name())
                        .isNotBlank();
                assertThat(alert.annotation("runbook_url"))
                        .as("%s runbook_url", alert.name())
                        .isEqualTo("monitoring/README.md#" + alert.name().toLowerCase());
                assertThat(readme)
                        .as("README runbook section for %s", alert.name())
                        .containsPattern("(?m)^### " + alert.name() + "$");
            }
        }

        @Test
        void isUnitTestedBothFiringAndNotFiring() {
            Set<String> firing = new HashSet<>();
            Set<String> quiet = new HashSet<>();
            for (Path file : list(RULE_TESTS, ".yml")) {
                yaml(file)
                        .path("tests")
                        .forEach(test -> test.path("alert_rule_test").forEach(check -> {
                            String name = check.path("alertname").asText();
                            (check.path("exp_alerts").isEmpty() ? quiet : firing).add(name);
                        }));
            }
            for (Rule alert : alerts()) {
                assertThat(firing).as("a test where %s fires", alert.name()).contains(alert.name());
                if (!alert.name().equals("Watchdog")) {
                    assertThat(quiet)
                            .as("a test where %s stays quiet", alert.name())
                            .contains(alert.name());
                }
            }
        }
    }

    @Test
    void everyRecordingRuleHasAValueTest() {
        Set<String> tested = new HashSet<>();
        for (Path file : list(RULE_TESTS, ".yml")) {
            yaml(file)
                    .path("tests")
                    .forEach(test -> test.path("promql_expr_test")
                            .forEach(check ->
                                    tested.add(check.path("expr").asText().trim())));
        }
        rules().stream()
                .filter(rule -> !rule.isAlert())
                .forEach(rule -> assertThat(tested)
                        .as("a promql_expr_test of %s", rule.name())
                        .contains(rule.name()));
    }

    @Test
    void theSeedsRecommendedAlertsAreThereWithItsThresholdsAndDurations() {
        Map<String, Rule> byName = new LinkedHashMap<>();
        alerts().forEach(alert -> byName.put(alert.name(), alert));
        // Error rate > 5 % for 5 min, response time > 1 s for 5 min, CPU > 90 % for 10 min,
        // memory > 95 % for 5 min, health check failing 3 times in a row (3 probes of 15 s).
        assertThat(byName)
                .containsKeys(
                        "ApiHighErrorRate",
                        "ApiHighLatency",
                        "ApiHighCpu",
                        "ApiHighMemory",
                        "HealthCheckFailing",
                        "TargetDown",
                        "ApiDown",
                        "PostgresConnectionsHigh",
                        "CacheHitRateLow",
                        "RedisDown",
                        "PostgresDown",
                        "DiskWillFillIn24Hours",
                        "Watchdog");
        assertSeedAlert(byName.get("ApiHighErrorRate"), "> 0.05", "5m");
        assertSeedAlert(byName.get("ApiHighLatency"), "> 1", "5m");
        assertSeedAlert(byName.get("ApiHighCpu"), "> 0.9", "10m");
        assertSeedAlert(byName.get("ApiHighMemory"), "> 0.95", "5m");
        assertSeedAlert(byName.get("HealthCheckFailing"), "== 0", "30s");
        assertThat(yaml(RULES.resolve("blackbox-alerts.yml"))
                        .path("groups")
                        .path(0)
                        .path("interval")
                        .asText())
                .as("HealthCheckFailing's group runs once per probe")
                .isEqualTo("15s");
        assertThat(byName.get("Watchdog").label("severity")).isEqualTo("none");
    }

    private static void assertSeedAlert(Rule alert, String comparison, String duration) {
        assertThat(alert.node().path("expr").asText())
                .as("%s threshold", alert.name())
                .contains(comparison);
        assertThat(alert.node().path("for").asText())
                .as("%s duration", alert.name())
                .isEqualTo(duration);
    }
}
