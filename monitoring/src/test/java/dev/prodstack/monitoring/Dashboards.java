package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.DASHBOARDS;
import static dev.prodstack.monitoring.MonitoringFiles.json;
import static dev.prodstack.monitoring.MonitoringFiles.list;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The provisioned dashboards, their panels and their queries. */
final class Dashboards {

    /** The data source every panel must name: the one provisioned with this fixed uid. */
    static final String DATASOURCE_TYPE = "prometheus";

    static final String DATASOURCE_UID = "prometheus";

    private Dashboards() {}

    /** One query of one panel. */
    record Query(String dashboard, String panel, String refId, String expr) {

        /**
         * The expression as Grafana sends it for the "All" selection: built-in intervals become
         * durations and every dashboard variable (a regex-matched label) becomes ".*".
         */
        String resolved() {
            return expr.replaceAll("\\$(__rate_interval|\\{__rate_interval}|__interval|\\{__interval})", "1m")
                    .replaceAll("\\$(__range|\\{__range})", "1h")
                    .replaceAll("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?", ".*");
        }

        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId + ": " + expr;
        }
    }

    static List<Path> files() {
        return list(DASHBOARDS, ".json");
    }

    /** Every panel of a dashboard, those nested in (collapsed) rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        return panels;
    }

    static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = json(file);
            for (JsonNode panel : panels(dashboard)) {
                panel.path("targets")
                        .forEach(target -> queries.add(new Query(
                                dashboard.path("title").asText(),
                                panel.path("title").asText(),
                                target.path("refId").asText(),
                                target.path("expr").asText())));
            }
        }
        return queries;
    }

    /** The series selectors of the dashboards' label_values() variables, e.g. up{job="api"}. */
    static List<String> variableSelectors() {
        List<String> selectors = new ArrayList<>();
        for (Path file : files()) {
            json(file).path("templating").path("list").forEach(variable -> {
                String definition = variable.path("definition").asText();
                if (definition.startsWith("label_values(")) {
                    selectors.add(definition
                            .substring("label_values(".length(), definition.lastIndexOf(','))
                            .trim());
                }
            });
        }
        return selectors;
    }
}
