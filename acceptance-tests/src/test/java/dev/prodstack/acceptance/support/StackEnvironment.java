package dev.prodstack.acceptance.support;

import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the run's compose project is made of before `up`: the variables from {@code scripts/stack.sh
 * prepare} (images, secrets, dev TLS), the monitoring overrides, the host ports, the compose files
 * and the services they start. Nothing here starts a container.
 */
public final class StackEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(StackEnvironment.class);

    /** One-shot jobs: they must exit 0, and nothing waits for them to be healthy. */
    public static final Set<String> ONE_SHOT_SERVICES = Set.of("migrate");

    private final String project;
    private final Path workDirectory;
    private final Map<String, String> variables = new TreeMap<>();
    private List<Path> files = List.of();
    private Compose compose;
    private List<String> services = List.of();

    StackEnvironment(String project) {
        this.project = project;
        this.workDirectory = Repo.workDirectory().resolve(project);
    }

    public String project() {
        return project;
    }

    public Path workDirectory() {
        return workDirectory;
    }

    public Map<String, String> variables() {
        return Map.copyOf(variables);
    }

    public Compose compose() {
        return compose;
    }

    /** The suite's own compose files, after the production file and the monitoring overlay. */
    public List<Path> files() {
        return files;
    }

    /** Services of the run's compose files (active profiles only). */
    public List<String> services() {
        return services;
    }

    /** Services of the run that keep running. */
    public List<String> longRunningServices() {
        return services.stream()
                .filter(service -> !ONE_SHOT_SERVICES.contains(service))
                .toList();
    }

    /**
     * Everything before `up`. A reused (kept) project keeps its published ports, or `up` would
     * recreate the proxy.
     */
    void prepare(boolean reused) {
        createDirectories();
        prepareWithTheScripts();
        writeMonitoringOverrides();
        if (reused) {
            adoptPublishedPorts();
        } else {
            chooseHostPorts();
        }
        StackServices.Selection selection = StackServices.select(
                project,
                workDirectory,
                variables,
                List.of(existing(Repo.path("acceptance-tests/src/test/resources/compose/acceptance.yml"))));
        files = selection.files();
        compose = selection.compose();
        services = selection.services();
        LOG.info("services: {}", services);
    }

    private void createDirectories() {
        try {
            Files.createDirectories(workDirectory);
            Files.writeString(Repo.workDirectory().resolve("last-project"), project + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What scripts/stack.sh does before `up`, by its documented {@code prepare} command: image
     * source (-Dacceptance.images=auto|official|offline; auto probes a registry), the offline set
     * from scripts/build-images.sh when one of its images is missing, the Grafana profile when its
     * image exists, secrets and dev TLS into this run's directory, and the api image rebuilt when
     * the service jar is newer. It prints the resulting variables, which the run adopts.
     * -Dacceptance.buildImages=false skips every image build and check (checkImagesPresent reports).
     */
    private void prepareWithTheScripts() {
        long started = System.nanoTime();
        variables.put("COMPOSE_PROJECT_NAME", project);
        variables.put("VERSION", System.getProperty("acceptance.version", "1.0.0"));
        variables.put("SECRETS_DIR", workDirectory.resolve("secrets").toString());
        variables.put("TLS_DIR", workDirectory.resolve("tls").toString());
        // --logging: prepare prints PRODSTACK_LOGGING=true, which the run adopts, so that every later
        // stack.sh command (compose, wait-healthy) includes the logging overlay too.
        List<String> arguments = new ArrayList<>(List.of("prepare", "--project", project, "--monitoring", "--logging"));
        String images = System.getProperty("acceptance.images", "auto").toLowerCase(Locale.ROOT);
        switch (images) {
            case "auto" -> {}
            case "official", "offline" -> arguments.add("--" + images);
            default ->
                throw new IllegalArgumentException("acceptance.images must be auto, official or offline: " + images);
        }
        if (Boolean.parseBoolean(System.getProperty("acceptance.buildImages", "true"))) {
            Path jar = Repo.path("service/target/prodstack-service.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: run the suite from the repository root "
                        + "(mvn -B verify -Pacceptance) so the service module is packaged first");
            }
        } else {
            arguments.add("--no-images");
        }
        Command.Result result = StackScript.command(variables, arguments)
                .env("MAVEN_OFFLINE", "true")
                .timeout(Duration.ofMinutes(45))
                .run();
        if (!result.ok()) {
            throw new IllegalStateException("scripts/stack.sh prepare failed:\n" + result.describe());
        }
        variables.putAll(StackScript.variables(result));
        LOG.info(
                "prepared in {} s: image source {}, api image {}, profiles '{}'\n{}",
                (System.nanoTime() - started) / 1_000_000_000,
                variables.get("IMAGE_SOURCE"),
                variables.get("API_IMAGE"),
                variables.getOrDefault("COMPOSE_PROFILES", ""),
                result.stderr().strip());
    }

    /**
     * The acceptance override mounts a copy of prometheus.yml with a 5 s rule evaluation and one
     * more rule directory, holding ApiDown with its real expression but a short {@code for:}.
     */
    private void writeMonitoringOverrides() {
        Path directory = workDirectory.resolve("prometheus");
        MonitoringOverrides.write(Repo.path("monitoring/prometheus"), directory);
        variables.put(
                "ACC_PROMETHEUS_CONFIG", directory.resolve("prometheus.yml").toString());
        variables.put("ACC_RULES_DIR", directory.resolve("rules").toString());
        Path alertmanager = workDirectory.resolve("alertmanager");
        MonitoringOverrides.writeAlertmanager(Repo.path("monitoring/alertmanager"), alertmanager);
        variables.put(
                "ACC_ALERTMANAGER_CONFIG",
                alertmanager.resolve("alertmanager.yml").toString());
    }

    private void adoptPublishedPorts() {
        variables.put("HTTP_PORT", Integer.toString(StackEndpoints.hostPort(project, "proxy", 8080)));
        variables.put("HTTPS_PORT", Integer.toString(StackEndpoints.hostPort(project, "proxy", 8443)));
        try {
            variables.put("OPS_HTTPS_PORT", Integer.toString(StackEndpoints.hostPort(project, "proxy", 8444)));
        } catch (IllegalStateException notPublished) {
            // an older project without nginx's ops listener
        }
    }

    private void chooseHostPorts() {
        for (String name : List.of(
                "HTTP_PORT",
                "HTTPS_PORT",
                "OPS_HTTPS_PORT",
                "PROMETHEUS_PORT",
                "ALERTMANAGER_PORT",
                "GRAFANA_PORT",
                "LOG_STORE_PORT")) {
            variables.put(name, Integer.toString(freePort()));
        }
    }

    /**
     * The variables of a throw-away stack of a test's own beside the suite's: a project named {@code prefix} plus a
     * random suffix, secrets and TLS under {@code work}, free host ports, the jar not rebuilt.
     */
    public static Map<String, String> scratch(String prefix, Path work) {
        return new HashMap<>(Map.of(
                "COMPOSE_PROJECT_NAME", prefix + UUID.randomUUID().toString().substring(0, 8),
                "SECRETS_DIR", work.resolve("secrets").toString(),
                "TLS_DIR", work.resolve("tls").toString(),
                "HTTP_PORT", String.valueOf(freePort()),
                "HTTPS_PORT", String.valueOf(freePort()),
                "OPS_HTTPS_PORT", String.valueOf(freePort()),
                "MAVEN_OFFLINE", "true"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("compose file missing: " + file);
        }
        return file;
    }

    /** A generated file the containers' non-root users read through bind mounts. */
    static void writeReadable(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
