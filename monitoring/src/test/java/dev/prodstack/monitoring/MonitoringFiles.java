package dev.prodstack.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the monitoring module's files are, and how to read them. */
final class MonitoringFiles {

    static final Path ROOT =
            Path.of(System.getProperty("prodstack.root", "..")).toAbsolutePath().normalize();
    static final Path MONITORING = ROOT.resolve("monitoring");
    static final Path PROMETHEUS_CONFIG = MONITORING.resolve("prometheus/prometheus.yml");
    static final Path RULES = MONITORING.resolve("prometheus/rules");
    static final Path RULE_TESTS = MONITORING.resolve("prometheus/tests");
    static final Path ALERTMANAGER_CONFIG = MONITORING.resolve("alertmanager/alertmanager.yml");
    static final Path BLACKBOX_CONFIG = MONITORING.resolve("blackbox/blackbox.yml");
    static final Path GRAFANA_PROVISIONING = MONITORING.resolve("grafana/provisioning");
    static final Path DASHBOARDS = MONITORING.resolve("grafana/dashboards");
    static final Path README = MONITORING.resolve("README.md");
    static final Path CHECK_DASHBOARDS_SCRIPT = MONITORING.resolve("scripts/check-dashboards.sh");
    static final Path COMPOSE_BASE = ROOT.resolve("deployment/docker-compose.yml");
    static final Path COMPOSE_OVERLAY = ROOT.resolve("deployment/docker-compose.monitoring.yml");

    /** The rules' path inside the Prometheus container, as prometheus.yml names it. */
    static final String CONTAINER_RULES_GLOB = "/etc/prometheus/rules/*.yml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private MonitoringFiles() {}

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read YAML " + file, e);
        }
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + text, e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON " + file, e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The files of a directory ending with the suffix, sorted by name. */
    static List<Path> list(Path directory, String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }
}
