package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** alertmanager.yml: valid for amtool (its commented examples too), routes, inhibitions, no committed secret. */
class AlertmanagerConfigTest {

    private static final Pattern ALERTNAME_MATCHER = Pattern.compile("alertname=~?\"([^\"]+)\"");

    @Test
    void amtoolAcceptsTheConfig() {
        Command.Result result = Command.program(MonitoringTools.AMTOOL, "check-config", ALERTMANAGER_CONFIG.toString())
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void theCommentedEmailAndSlackExamplesAreValidOnceUncommented(@TempDir Path staging) {
        Path uncommented = staging.resolve("alertmanager.yml");
        write(uncommented, uncommentExamples(read(ALERTMANAGER_CONFIG)));

        Command.Result check = Command.program(MonitoringTools.AMTOOL, "check-config", uncommented.toString())
                .timeout(Duration.ofMinutes(1))
                .run();

        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.output()).contains("3 receivers");
        assertThat(receiversFor(uncommented, "alertname=ApiDown", "severity=critical", "job=api"))
                .isEqualTo("oncall,default");
        // Secrets only ever come from files.
        assertThat(read(uncommented))
                .contains("smtp_auth_password_file:", "api_url_file:")
                .doesNotContainPattern("(?m)^\\s*(smtp_auth_password|auth_password|api_url|slack_api_url):");
    }

    @Test
    void routesTheWatchdogToItsOwnReceiverAndEverythingElseToTheDefault() {
        assertThat(receiversFor(ALERTMANAGER_CONFIG, "alertname=Watchdog", "severity=none"))
                .isEqualTo("watchdog");
        assertThat(receiversFor(ALERTMANAGER_CONFIG, "alertname=ApiDown", "severity=critical", "job=api"))
                .isEqualTo("default");
        assertThat(receiversFor(ALERTMANAGER_CONFIG, "alertname=ApiHighLatency", "severity=warning", "job=api"))
                .isEqualTo("default");
    }

    @Test
    void groupsByAlertJobAndSeverity() {
        assertThat(yaml(ALERTMANAGER_CONFIG).path("route").path("group_by"))
                .extracting(JsonNode::asText)
                .containsExactly("alertname", "job", "severity");
    }

    @Test
    void inhibitionsSilenceTheConsequencesOfAnOutage() {
        JsonNode inhibitRules = yaml(ALERTMANAGER_CONFIG).path("inhibit_rules");
        assertThat(silencedBy(inhibitRules, "ApiDown")).contains("ApiHighErrorRate", "ApiHighLatency", "TargetDown");
        assertThat(silencedBy(inhibitRules, "TargetDown")).contains("ApiHighCpu", "ApiHighMemory");
        assertThat(silencedBy(inhibitRules, "RedisDown")).containsExactly("CacheHitRateLow");
        assertThat(silencedBy(inhibitRules, "PostgresDown")).containsExactly("PostgresConnectionsHigh");
    }

    @Test
    void inhibitionsNameOnlyAlertsThatExist() {
        Set<String> defined =
                AlertRulesTest.alerts().stream().map(AlertRulesTest.Rule::name).collect(Collectors.toSet());
        Set<String> named = new HashSet<>();
        yaml(ALERTMANAGER_CONFIG).path("inhibit_rules").forEach(rule -> {
            rule.path("source_matchers").forEach(matcher -> named.addAll(alertNames(matcher.asText())));
            rule.path("target_matchers").forEach(matcher -> named.addAll(alertNames(matcher.asText())));
        });
        assertThat(defined).containsAll(named);
    }

    @Test
    void webhooksPointAtTheStacksOwnSink() {
        List<String> urls = new ArrayList<>();
        yaml(ALERTMANAGER_CONFIG)
                .path("receivers")
                .forEach(receiver -> receiver.path("webhook_configs")
                        .forEach(webhook -> urls.add(webhook.path("url").asText())));
        assertThat(urls).isNotEmpty().allMatch(url -> url.startsWith("http://alert-sink:8080/"));
        assertThat(yaml(COMPOSE_OVERLAY).path("services").has("alert-sink")).isTrue();
    }

    /** The config with the lines between "# >>> example" and "# <<< example" uncommented. */
    static String uncommentExamples(String config) {
        StringBuilder result = new StringBuilder();
        boolean inExample = false;
        for (String line : config.split("\n", -1)) {
            if (line.contains("# >>> example")) {
                inExample = true;
            } else if (line.contains("# <<< example")) {
                inExample = false;
            } else if (inExample) {
                line = line.replaceFirst("^(\\s*)# ", "$1");
            }
            result.append(line).append('\n');
        }
        return result.toString();
    }

    private static String receiversFor(Path config, String... labels) {
        List<String> arguments = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + config));
        arguments.addAll(Arrays.asList(labels));
        Command.Result result = Command.program(MonitoringTools.AMTOOL, arguments.toArray(String[]::new))
                .timeout(Duration.ofMinutes(1))
                .run();
        assertThat(result.exitCode()).as(result.describe()).isZero();
        // amtool warns on stderr that --config.file overrides the URL; the answer is the last line.
        List<String> lines = result.stdout()
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("Warning"))
                .toList();
        return lines.get(lines.size() - 1).trim();
    }

    private static Set<String> silencedBy(JsonNode inhibitRules, String source) {
        Set<String> silenced = new HashSet<>();
        inhibitRules.forEach(rule -> {
            boolean fromSource = false;
            for (JsonNode matcher : rule.path("source_matchers")) {
                fromSource |= alertNames(matcher.asText()).contains(source);
            }
            if (fromSource) {
                rule.path("target_matchers").forEach(matcher -> silenced.addAll(alertNames(matcher.asText())));
            }
        });
        return silenced;
    }

    private static Set<String> alertNames(String matcher) {
        Matcher match = ALERTNAME_MATCHER.matcher(matcher);
        return match.find() ? Set.of(match.group(1).split("\\|")) : Set.of();
    }
}
