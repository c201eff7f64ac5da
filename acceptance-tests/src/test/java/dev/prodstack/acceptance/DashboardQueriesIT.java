package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.Json;
import dev.prodstack.acceptance.support.Prometheus;
import dev.prodstack.acceptance.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Grafana dashboard panel's PromQL (monitoring/grafana/dashboards/*.json, variables
 * substituted as Grafana would with "All" selected) returns data from the live Prometheus after a
 * burst of traffic: no panel of the shipped dashboards is empty or broken.
 */
@Order(300)
class DashboardQueriesIT extends AbstractAcceptanceTest {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?|\\[\\[([A-Za-z0-9_]+)]]");

    record PanelQuery(String dashboard, String panel, String expr) {}

    private static Prometheus prometheus;

    @BeforeAll
    static void burstOfTraffic() {
        prometheus = stack.prometheus();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createUser("dash"));
        }
        for (long id : ids) {
            edge().get("/users/" + id);
            edge().get("/users/" + id);
        }
        edge().get("/users?limit=5");
        edge().get("/users/987654321");
        edge().get("/health");
        // One scrape of the api (every 10 s) after the burst, so its series are in Prometheus.
        AcceptanceStack.sleep(Duration.ofSeconds(12));
    }

    @TestFactory
    Stream<DynamicContainer> every_panel_query_returns_data() throws IOException {
        Path directory = Repo.path("monitoring/grafana/dashboards");
        List<Path> dashboards;
        try (Stream<Path> files = Files.list(directory)) {
            dashboards = files.filter(file -> file.toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        assertThat(dashboards).as("dashboards in %s", directory).isNotEmpty();
        return dashboards.stream().map(file -> {
            List<PanelQuery> queries = panelQueries(file);
            return DynamicContainer.dynamicContainer(
                    file.getFileName().toString(),
                    queries.stream()
                            .map(query ->
                                    DynamicTest.dynamicTest(query.panel() + ": " + query.expr(), () -> check(query))));
        });
    }

    private static void check(PanelQuery query) {
        String promql = substitute(query.expr());
        int[] series = new int[1];
        await(query.dashboard() + " / " + query.panel() + " has data")
                .atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    JsonNode result = prometheus.queryRange(promql, 300, 15);
                    series[0] = result.size();
                    assertThat(result.size()).as("series for %s", promql).isPositive();
                });
        System.out.printf(
                "DashboardQueriesIT: %-22s %-45s %3d series  %s%n",
                query.dashboard(), query.panel(), series[0], promql);
    }

    /** Grafana's built-ins get the values Grafana would use at a 15 s scrape interval; "All" = any value. */
    static String substitute(String expr) {
        return VARIABLE.matcher(expr.replace("$__rate_interval", "1m")
                        .replace("${__rate_interval}", "1m")
                        .replace("$__interval", "30s")
                        .replace("$__range", "5m"))
                .replaceAll(".+");
    }

    static List<PanelQuery> panelQueries(Path file) {
        JsonNode dashboard;
        try {
            dashboard = Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        String title = dashboard.path("title").asText(file.getFileName().toString());
        List<PanelQuery> queries = new ArrayList<>();
        collect(dashboard.path("panels"), title, queries);
        assertThat(queries).as("panel queries in %s", file).isNotEmpty();
        return queries;
    }

    private static void collect(JsonNode panels, String dashboard, List<PanelQuery> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr") && !target.path("hide").asBoolean(false)) {
                    queries.add(new PanelQuery(
                            dashboard,
                            panel.path("title").asText("?"),
                            target.get("expr").asText()));
                }
            }
            collect(panel.path("panels"), dashboard, queries);
        }
    }
}
