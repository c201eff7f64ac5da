package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the host's binary) loads our rules and scrapes what the stack's exporters
 * really export (captured fixtures): every rule evaluates cleanly and every dashboard query is
 * accepted and returns data, also through monitoring/scripts/check-dashboards.sh.
 */
class LivePrometheusIT {

    /** Rules that must be quiet on a healthy stack (the short `for:` ones). */
    private static final Set<String> QUIET_WHEN_HEALTHY = Set.of(
            "ApiDown",
            "TargetDown",
            "HealthCheckFailing",
            "RedisDown",
            "PostgresDown",
            "LogStoreDown",
            "LogShipperDroppingLines",
            "LogShipperCannotReachStore");

    @TempDir
    static Path work;

    private static FixtureExporter fixtures;
    private static PrometheusProcess prometheus;

    @BeforeAll
    static void startPrometheus() {
        fixtures = new FixtureExporter();
        prometheus = PrometheusProcess.start(work, LivePrometheusIT::config);
        awaitEveryTargetUp();
        awaitEveryRuleEvaluatedTwice();
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (fixtures != null) {
            fixtures.close();
        }
    }

    @Test
    void everyRuleEvaluatesWithoutError() {
        List<String> broken = new ArrayList<>();
        rules().forEach(rule -> {
            if (!rule.path("health").asText().equals("ok")) {
                broken.add(
                        rule.path("name").asText() + ": " + rule.path("health").asText() + " "
                                + rule.path("lastError").asText());
            }
        });
        assertThat(broken).as("rules with evaluation errors").isEmpty();
    }

    @Test
    void everyRecordingRuleProducesSeries() {
        List<String> empty = new ArrayList<>();
        AlertRulesTest.rules().stream().filter(rule -> !rule.isAlert()).forEach(rule -> {
            if (prometheus.query(rule.name()).path("data").path("result").isEmpty()) {
                empty.add(rule.name());
            }
        });
        assertThat(empty)
                .as("recording rules without a series on the captured exporter data")
                .isEmpty();
    }

    @Test
    void theWatchdogFiresAndAHealthyStackRaisesNoAvailabilityAlert() {
        Map<String, String> active = new java.util.HashMap<>();
        prometheus
                .get("/api/v1/alerts")
                .path("data")
                .path("alerts")
                .forEach(alert -> active.put(
                        alert.path("labels").path("alertname").asText(),
                        alert.path("state").asText()));
        assertThat(active).containsEntry("Watchdog", "firing");
        assertThat(active.keySet())
                .as("availability alerts active on healthy data")
                .doesNotContainAnyElementsOf(QUIET_WHEN_HEALTHY);
    }

    @Test
    void everyDashboardQueryIsAcceptedAndReturnsData() {
        List<Dashboards.Query> queries = Dashboards.queries();
        assertThat(queries).hasSizeGreaterThan(50);
        List<String> problems = new ArrayList<>();
        for (Dashboards.Query query : queries) {
            JsonNode answer = prometheus.query(query.resolved());
            if (!answer.path("status").asText().equals("success")) {
                problems.add(query + " -> " + answer.path("error").asText());
            } else if (answer.path("data").path("result").isEmpty()) {
                problems.add(query + " -> no series");
            }
        }
        assertThat(problems)
                .as("dashboard queries rejected by Prometheus or without data")
                .isEmpty();
    }

    @Test
    void everyDashboardVariableFindsValues() {
        for (String selector : Dashboards.variableSelectors()) {
            assertThat(prometheus.query(selector).path("data").path("result").isEmpty())
                    .as("series for the variable query %s", selector)
                    .isFalse();
        }
    }

    @Test
    void checkDashboardsScriptReportsEveryPanelQueryWithData() {
        Command.Result result = Command.program(
                        MonitoringTools.BASH,
                        CHECK_DASHBOARDS_SCRIPT.toString(),
                        "--url",
                        prometheus.url(),
                        "--require-data")
                .timeout(Duration.ofMinutes(3))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
        int queries = Dashboards.queries().size();
        assertThat(result.output()
                        .lines()
                        .filter(line -> line.startsWith("OK "))
                        .count())
                .as(result.describe())
                .isEqualTo(queries);
        assertThat(result.output())
                .contains(queries + " queries in " + Dashboards.files().size() + " dashboards: 0 failed, 0 empty");
    }

    @Test
    void checkDashboardsScriptFailsOnAQueryPrometheusRejects(@TempDir Path dashboards) {
        write(dashboards.resolve("broken.json"), """
                {"title": "broken", "panels": [{"type": "stat", "title": "typo",
                  "targets": [{"refId": "A", "expr": "sum(rate(up[1m]"}]}]}
                """);

        Command.Result result = Command.program(
                        MonitoringTools.BASH,
                        CHECK_DASHBOARDS_SCRIPT.toString(),
                        "--url",
                        prometheus.url(),
                        "--dashboards",
                        dashboards.toString())
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.output()).contains("FAIL   broken | typo | A:", "1 failed");
    }

    /** Scrapes the fixtures every second under the stack's job names; loads the repository's rules. */
    private static String config(int prometheusPort) {
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(RULES.resolve("*.yml"), prometheusPort));
        for (String job : FixtureExporter.JOBS) {
            config.append("""
                      - job_name: %s
                        metrics_path: /fixtures/%s
                        static_configs:
                          - targets: ['%s']
                    """.formatted(job, job, fixtures.address()));
            if (job.equals("blackbox")) {
                // As in prometheus.yml: the probed URL is the instance.
                config.append("""
                            relabel_configs:
                              - target_label: instance
                                replacement: https://proxy:8443/health
                        """);
            }
            if (job.equals("log-store")) {
                // As in prometheus.yml: the store's name is the instance.
                config.append("""
                            relabel_configs:
                              - target_label: instance
                                replacement: log-store:9200
                        """);
            }
        }
        return config.toString();
    }

    private static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        prometheus
                .get("/api/v1/rules")
                .path("data")
                .path("groups")
                .forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    private static void awaitEveryTargetUp() {
        int expected = FixtureExporter.JOBS.size() + 1;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> notUp = List.of();
        while (Instant.now().isBefore(deadline)) {
            JsonNode targets = prometheus.get("/api/v1/targets").path("data").path("activeTargets");
            List<String> problems = new ArrayList<>();
            targets.forEach(target -> {
                if (!target.path("health").asText().equals("up")) {
                    problems.add(target.path("labels").path("job").asText() + ": "
                            + target.path("health").asText() + " "
                            + target.path("lastError").asText());
                }
            });
            if (targets.size() == expected && problems.isEmpty()) {
                return;
            }
            notUp = problems;
            PrometheusProcess.sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("fixture targets not up within 30 s: " + notUp);
    }

    /** Groups run on their own clocks (blackbox every 15 s): wait until each rule has run on 2+ scrapes. */
    private static void awaitEveryRuleEvaluatedTwice() {
        int expected = AlertRulesTest.rules().size();
        Instant start = Instant.now();
        Instant deadline = start.plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> rules = rules();
            Set<String> evaluatedSinceData = rules.stream()
                    .filter(rule -> Instant.parse(rule.path("lastEvaluation").asText("0001-01-01T00:00:00Z"))
                            .isAfter(start.plusSeconds(3)))
                    .map(rule -> rule.path("name").asText())
                    .collect(Collectors.toSet());
            if (rules.size() == expected && evaluatedSinceData.size() == expected) {
                return;
            }
            PrometheusProcess.sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("rules not all evaluated within 90 s; prometheus log:\n" + prometheus.log());
    }
}
