package dev.prodstack.acceptance.support;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one production + monitoring stack of a suite run, started on first use and removed when
 * the JUnit session ends (or, if the run is interrupted, by a JVM shutdown hook).
 *
 * <p>It prepares what an operator prepares ({@code scripts/stack.sh prepare}: images, secrets and
 * dev TLS into this run's work directory), then runs compose {@code up} through
 * {@code scripts/stack.sh compose} with the production file, the monitoring overlay and the
 * acceptance override under a unique project name, and waits with {@code scripts/stack.sh
 * wait-healthy} on the compose healthchecks. Which Compose runs (v2 or v1) is the scripts' choice.
 */
public final class AcceptanceStack {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptanceStack.class);

    /** One-shot jobs: they must exit 0, and nothing waits for them to be healthy. */
    public static final Set<String> ONE_SHOT_SERVICES = Set.of("migrate");

    private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(4);

    private static volatile AcceptanceStack instance;
    private static RuntimeException startFailure;
    private static Thread shutdownHook;

    private final String project;
    private final Path workDirectory;
    private final boolean keep;
    private final boolean reused;
    private final Map<String, String> environment = new TreeMap<>();
    private final EdgeThrottle throttle = new EdgeThrottle();
    private Compose compose;
    private List<String> services = List.of();
    private DevCa devCa;
    private int httpPort;
    private int httpsPort;
    private int prometheusPort;
    private int alertmanagerPort;
    private int apiDebugPort;
    private boolean down;

    private AcceptanceStack(String project, boolean reused) {
        this.project = project;
        this.reused = reused;
        this.keep = Boolean.getBoolean("acceptance.keep") || reused;
        this.workDirectory = Repo.workDirectory().resolve(project);
    }

    /** The running stack; starts it on the first call. A failed start fails every later caller too. */
    public static synchronized AcceptanceStack get() {
        if (startFailure != null) {
            throw new IllegalStateException("the acceptance stack failed to start (see the first failure): "
                    + startFailure.getMessage(), startFailure);
        }
        if (instance == null) {
            String reuse = System.getProperty("acceptance.project", "").strip();
            AcceptanceStack stack = reuse.isEmpty()
                    ? new AcceptanceStack(Janitor.PREFIX + randomSuffix(), false)
                    : new AcceptanceStack(reuse, true);
            instance = stack;
            try {
                stack.start();
            } catch (RuntimeException e) {
                startFailure = e;
                stack.diagnose();
                shutdown();
                throw e;
            }
        }
        return instance;
    }

    /**
     * Removes the stack if this JVM started one; safe to call more than once, and from the
     * shutdown hook while another thread is still starting the stack (no class lock taken).
     */
    public static void shutdown() {
        AcceptanceStack current = instance;
        if (current != null) {
            current.tearDown();
        }
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            suffix.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return suffix.toString();
    }

    // ---------------------------------------------------------------------------------------
    // start

    private void start() {
        long started = System.nanoTime();
        LOG.info("acceptance stack: project {}, work directory {}", project, workDirectory);
        preflight();
        if (!reused) {
            removeStaleProjects();
            registerCleanup();
        }
        createDirectories();
        prepareWithTheScripts();
        writeMonitoringOverrides();
        if (reused) {
            // Same published ports as when the project was created, or `up` would recreate the proxy.
            environment.put("HTTP_PORT", Integer.toString(hostPort("proxy", 8080)));
            environment.put("HTTPS_PORT", Integer.toString(hostPort("proxy", 8443)));
            try {
                environment.put("OPS_HTTPS_PORT", Integer.toString(hostPort("proxy", 8444)));
            } catch (IllegalStateException notPublished) {
                // an older project without nginx's ops listener
            }
        } else {
            chooseHostPorts();
        }
        compose = new Compose(project, true, acceptanceFiles(), environment);
        services = activeServices(compose.config(), environment.getOrDefault("COMPOSE_PROFILES", ""));
        checkImagesPresent();
        LOG.info("services: {}", services);
        // A reused (kept) project is brought up to date: `up` only changes what differs.
        up();
        waitHealthy();
        discoverPorts();
        devCa = new DevCa(workDirectory.resolve("tls/ca.crt"));
        LOG.info("acceptance stack ready in {} s: https://localhost:{} (http {}), prometheus :{}, alertmanager :{}, "
                        + "api debug :{}", (System.nanoTime() - started) / 1_000_000_000, httpsPort, httpPort,
                prometheusPort, alertmanagerPort, apiDebugPort);
    }

    private void preflight() {
        Command.of("docker", "version", "--format", "{{.Server.Version}}").timeout(Duration.ofSeconds(30)).check();
        Command.Result version = StackScript.command(Map.of(), List.of("compose", "--", "version"))
                .timeout(Duration.ofSeconds(60)).check();
        LOG.info("compose: {}", StackScript.composeUsed(version).orElse("(no progress line: " + version.stderr() + ")"));
    }

    private void removeStaleProjects() {
        for (String stale : Janitor.staleProjects()) {
            LOG.warn("removing the leftovers of an interrupted earlier run: project {}", stale);
            Janitor.sweep(stale);
        }
    }

    private void registerCleanup() {
        Janitor.claim(project);
        shutdownHook = new Thread(AcceptanceStack::shutdown, "acceptance-stack-teardown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
        environment.put("COMPOSE_PROJECT_NAME", project);
        environment.put("VERSION", System.getProperty("acceptance.version", "1.0.0"));
        environment.put("SECRETS_DIR", workDirectory.resolve("secrets").toString());
        environment.put("TLS_DIR", workDirectory.resolve("tls").toString());
        // --logging: prepare prints PRODSTACK_LOGGING=true, which the run adopts, so that every later
        // stack.sh command (compose, wait-healthy) includes the logging overlay too.
        List<String> arguments = new ArrayList<>(List.of("prepare", "--project", project, "--monitoring", "--logging"));
        String images = System.getProperty("acceptance.images", "auto").toLowerCase(Locale.ROOT);
        switch (images) {
            case "auto" -> { }
            case "official", "offline" -> arguments.add("--" + images);
            default -> throw new IllegalArgumentException("acceptance.images must be auto, official or offline: " + images);
        }
        boolean build = Boolean.parseBoolean(System.getProperty("acceptance.buildImages", "true"));
        if (build) {
            Path jar = Repo.path("service/target/prodstack-service.jar");
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: run the suite from the repository root "
                        + "(mvn -B verify -Pacceptance) so the service module is packaged first");
            }
        } else {
            arguments.add("--no-images");
        }
        Command.Result result = StackScript.command(environment, arguments).env("MAVEN_OFFLINE", "true")
                .timeout(Duration.ofMinutes(45)).run();
        if (!result.ok()) {
            throw new IllegalStateException("scripts/stack.sh prepare failed:\n" + result.describe());
        }
        environment.putAll(StackScript.variables(result));
        LOG.info("prepared in {} s: image source {}, api image {}, profiles '{}'\n{}",
                (System.nanoTime() - started) / 1_000_000_000, environment.get("IMAGE_SOURCE"),
                environment.get("API_IMAGE"), environment.getOrDefault("COMPOSE_PROFILES", ""), result.stderr().strip());
    }

    /**
     * The acceptance override mounts a copy of prometheus.yml with a 5 s rule evaluation and one
     * more rule directory, holding ApiDown with its real expression but a short {@code for:}.
     */
    private void writeMonitoringOverrides() {
        Path directory = workDirectory.resolve("prometheus");
        MonitoringOverrides.write(Repo.path("monitoring/prometheus"), directory);
        environment.put("ACC_PROMETHEUS_CONFIG", directory.resolve("prometheus.yml").toString());
        environment.put("ACC_RULES_DIR", directory.resolve("rules").toString());
        Path alertmanager = workDirectory.resolve("alertmanager");
        MonitoringOverrides.writeAlertmanager(Repo.path("monitoring/alertmanager"), alertmanager);
        environment.put("ACC_ALERTMANAGER_CONFIG", alertmanager.resolve("alertmanager.yml").toString());
    }

    private void chooseHostPorts() {
        environment.put("HTTP_PORT", Integer.toString(freePort()));
        environment.put("HTTPS_PORT", Integer.toString(freePort()));
        environment.put("OPS_HTTPS_PORT", Integer.toString(freePort()));
        environment.put("PROMETHEUS_PORT", Integer.toString(freePort()));
        environment.put("ALERTMANAGER_PORT", Integer.toString(freePort()));
        environment.put("GRAFANA_PORT", Integer.toString(freePort()));
        environment.put("LOG_STORE_PORT", Integer.toString(freePort()));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** The suite's files after the production file and the monitoring overlay (stack.sh --file). */
    private List<Path> acceptanceFiles() {
        List<Path> files = new ArrayList<>();
        files.add(Repo.path("acceptance-tests/src/test/resources/compose/acceptance.yml"));
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("compose file missing: " + file);
            }
        }
        return files;
    }

    /**
     * `up` would try to pull a missing image, and this machine may have no registry: fail with the
     * list instead. -Dacceptance.skipServices=a,b runs without those services (loudly; the tests
     * that need them fail) while an image is being added to the offline set.
     */
    private void checkImagesPresent() {
        Set<String> skip = new java.util.HashSet<>(List.of(System.getProperty("acceptance.skipServices", "").split("[,\\s]+")));
        List<String> missing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            var config = yaml.readTree(compose.config()).path("services");
            for (String service : services) {
                String image = config.path(service).path("image").asText("");
                if (config.path(service).has("build") || Command.of("docker", "image", "inspect", image)
                        .timeout(Duration.ofSeconds(30)).run().ok()) {
                    continue;
                }
                (skip.contains(service) ? skipped : missing).add(service + " (" + image + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("images not on this machine (image source " + environment.get("IMAGE_SOURCE")
                    + "): " + missing + "; build them (scripts/build-images.sh) or skip those services with "
                    + "-Dacceptance.skipServices=...");
        }
        if (!skipped.isEmpty()) {
            LOG.warn("RUNNING WITHOUT {} (-Dacceptance.skipServices): their images are missing", skipped);
            StringBuilder override = new StringBuilder("# Generated: services skipped by -Dacceptance.skipServices\nservices:\n");
            for (String entry : skipped) {
                override.append("  ").append(entry.substring(0, entry.indexOf(' '))).append(":\n    profiles: [acceptance-skipped]\n");
            }
            Path file = workDirectory.resolve("skipped-services.yml");
            writeReadable(file, override.toString());
            List<Path> files = new ArrayList<>(acceptanceFiles());
            files.add(file);
            compose = new Compose(project, true, files, environment);
            services = activeServices(compose.config(), environment.getOrDefault("COMPOSE_PROFILES", ""));
        }
    }

    private void up() {
        long started = System.nanoTime();
        LOG.info("compose up: production file, monitoring overlay, {}", compose.extraFiles());
        Command.Result result = compose.up(UP_TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("compose up failed:\n" + result.describe());
        }
        LOG.info("{} up returned after {} s", StackScript.composeUsed(result).orElse("compose"),
                (System.nanoTime() - started) / 1_000_000_000);
    }

    /** Every long-running service healthy (all replicas), migrate exited 0. */
    public void waitHealthy() {
        waitHealthy(HEALTH_TIMEOUT);
    }

    /**
     * {@code scripts/stack.sh wait-healthy}: the scripts' one health wait (scripts/lib/health.sh),
     * with every long-running service of the run required to have a container.
     */
    public void waitHealthy(Duration timeout) {
        List<String> arguments = new ArrayList<>(List.of("wait-healthy", "--project", project,
                "--timeout", Long.toString(Math.max(1, timeout.toSeconds()))));
        for (String service : longRunningServices()) {
            arguments.add("--service");
            arguments.add(service);
        }
        Command.Result result = StackScript.command(environment, arguments)
                .timeout(timeout.plusMinutes(1)).run();
        if (!result.ok()) {
            throw new IllegalStateException("not healthy after " + timeout.toSeconds() + " s:\n" + result.describe());
        }
        LOG.info("health:\n{}", result.stderr().strip());
    }

    /** healthy / unhealthy / starting, running (no healthcheck), exited(N), created ... */
    public static String healthState(String containerId) {
        InspectContainerResponse inspection = Docker.inspect(containerId);
        InspectContainerResponse.ContainerState state = inspection.getState();
        if (Boolean.TRUE.equals(state.getRunning())) {
            return state.getHealth() == null ? "running" : state.getHealth().getStatus();
        }
        if ("exited".equals(state.getStatus())) {
            return "exited(" + state.getExitCodeLong() + ")";
        }
        return state.getStatus();
    }

    private void discoverPorts() {
        httpPort = hostPort("proxy", 8080);
        httpsPort = hostPort("proxy", 8443);
        prometheusPort = hostPort("prometheus", 9090);
        alertmanagerPort = hostPort("alertmanager", 9093);
        apiDebugPort = hostPort("api", 8000);
    }

    /** The host port a service's container port is published on (the first replica's). */
    public int hostPort(String service, int containerPort) {
        for (Container container : Docker.containers(project, service)) {
            Ports.Binding[] bindings = Docker.inspect(container.getId()).getNetworkSettings().getPorts()
                    .getBindings().get(ExposedPort.tcp(containerPort));
            if (bindings != null && bindings.length > 0) {
                return Integer.parseInt(bindings[0].getHostPortSpec());
            }
        }
        throw new IllegalStateException(service + ":" + containerPort + " is not published");
    }

    // ---------------------------------------------------------------------------------------
    // stop

    private synchronized void tearDown() {
        if (down) {
            return;
        }
        down = true;
        if (keep) {
            try {
                Files.writeString(workDirectory.resolve("kept"), project + "\n");
            } catch (IOException e) {
                LOG.warn("could not mark the project as kept: {}", e.toString());
            }
            LOG.warn("keeping project {} (-Dacceptance.keep / -Dacceptance.project); reuse it with "
                    + "-Dacceptance.project={}, remove it with: rm {} && bash acceptance-tests/scripts/nothing-left-behind.sh {}",
                    project, project, workDirectory.resolve("kept"), Repo.workDirectory());
            return;
        }
        long started = System.nanoTime();
        if (Thread.currentThread() == shutdownHook) {
            // Interrupted run: a compose `up` still in flight would recreate what we remove.
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        }
        if (compose != null) {
            saveLogs();
            Command.Result result = compose.down();
            if (!result.ok()) {
                LOG.warn("compose down failed, sweeping by label:\n{}", result.describe());
            }
        }
        Janitor.sweep(project);
        Janitor.Leftovers leftovers = Janitor.leftovers(project);
        LOG.info("stack removed in {} s\n{}", (System.nanoTime() - started) / 1_000_000_000, leftovers.report());
        writeLeftoverReport(leftovers);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    /** The containers' output is evidence for a failed test; kept under target/ after the run. */
    private void saveLogs() {
        try {
            Path logs = workDirectory.resolve("logs");
            Files.createDirectories(logs);
            Files.writeString(logs.resolve("compose-ps.txt"), compose.ps());
            for (Container container : Docker.containers(project)) {
                Command.Result result = Command.of("docker", "logs", "--timestamps", container.getId())
                        .timeout(Duration.ofSeconds(60)).run();
                Files.writeString(logs.resolve(Docker.name(container) + ".log"), result.stdout() + result.stderr());
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("could not save the container logs: {}", e.toString());
        }
    }

    private void writeLeftoverReport(Janitor.Leftovers leftovers) {
        try {
            Files.writeString(Repo.workDirectory().resolve("leftovers.txt"),
                    (leftovers.none() ? "NOTHING LEFT BEHIND\n" : "LEFTOVERS FOUND\n") + leftovers.report() + "\n");
        } catch (IOException e) {
            LOG.warn("could not write the leftover report: {}", e.toString());
        }
    }

    private void diagnose() {
        if (compose == null) {
            return;
        }
        try {
            LOG.error("compose ps --all:\n{}", compose.ps());
            for (Container container : Docker.containers(project)) {
                String state = healthState(container.getId());
                if (!"healthy".equals(state) && !"exited(0)".equals(state)) {
                    Command.Result tail = Command.of("docker", "logs", "--tail", "40", container.getId()).run();
                    LOG.error("{} is {}; last log lines:\n{}{}", Docker.name(container), state, tail.stdout(),
                            tail.stderr());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("diagnosis failed: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------
    // what tests use

    public String project() {
        return project;
    }

    /** Services of the run's compose files (active profiles only) that keep running. */
    public List<String> longRunningServices() {
        return services.stream().filter(service -> !ONE_SHOT_SERVICES.contains(service)).toList();
    }

    public Compose compose() {
        return compose;
    }

    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    public Path workDirectory() {
        return workDirectory;
    }

    public DevCa devCa() {
        return devCa;
    }

    public EdgeThrottle throttle() {
        return throttle;
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    public String edgeUrl() {
        return "https://localhost:" + httpsPort;
    }

    /** The api's loopback debug port: looked up each time, because a restarted api gets a new one. */
    public String apiDebugUrl() {
        apiDebugPort = hostPort("api", 8000);
        return "http://127.0.0.1:" + apiDebugPort;
    }

    public Prometheus prometheus() {
        return new Prometheus("http://127.0.0.1:" + prometheusPort);
    }

    public Alertmanager alertmanager() {
        return new Alertmanager("http://127.0.0.1:" + alertmanagerPort);
    }

    public String adminToken() {
        return readString(workDirectory.resolve("secrets/admin_token")).strip();
    }

    public String secret(String name) {
        return readString(workDirectory.resolve("secrets").resolve(name)).strip();
    }

    /** HTTPS through nginx, trusting only the dev CA, paced under the edge's rate limit. */
    public RequestSpecification edgeSpec() {
        return new RequestSpecBuilder()
                .setBaseUri(edgeUrl())
                .setConfig(RestAssuredConfig.config().sslConfig(SSLConfig.sslConfig().trustStore(devCa.trustStore())))
                .addFilter(throttle)
                .build();
    }

    /** Through nginx without pacing: only for tests that exceed the rate limit on purpose. */
    public RequestSpecification edgeUnthrottledSpec() {
        return new RequestSpecBuilder()
                .setBaseUri(edgeUrl())
                .setConfig(RestAssuredConfig.config().sslConfig(SSLConfig.sslConfig().trustStore(devCa.trustStore())))
                .build();
    }

    /**
     * After a fault test: starts every long-running service that is stopped and waits until all
     * are healthy again (the fault tests' obligation to leave the stack as they found it).
     */
    public void restoreHealthy() {
        List<String> arguments = new ArrayList<>(List.of("start"));
        arguments.addAll(longRunningServices());
        compose.command(arguments.toArray(String[]::new)).timeout(Duration.ofMinutes(3)).run();
        waitHealthy(Duration.ofMinutes(3));
    }

    /**
     * After the api containers were stopped and started: nginx must follow the new addresses by
     * itself (security/nginx/upstream-watch.sh re-resolves every 2 s); no one reloads it. Fails
     * when the edge does not serve /health within 30 s.
     */
    public void awaitEdgeFollowsTheApi() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (RestAssured.given().spec(edgeSpec()).get("/health").statusCode() == 200) {
                return;
            }
            sleep(Duration.ofSeconds(1));
        }
        throw new IllegalStateException("nginx did not follow the api's restart by itself within 30 s");
    }

    /** Plain HTTP on the edge's port 80 equivalent (redirects only). */
    public RequestSpecification edgeHttpSpec() {
        return new RequestSpecBuilder().setBaseUri("http://localhost:" + httpPort).addFilter(throttle).build();
    }

    /** The api's own port 8000, published on loopback by the acceptance override only. */
    public RequestSpecification apiDebugSpec() {
        return new RequestSpecBuilder().setBaseUri(apiDebugUrl()).build();
    }

    /** Container ids of a service, running or not. */
    public List<String> containerIds(String service) {
        return Docker.containers(project, service).stream().map(Container::getId).toList();
    }

    public String containerId(String service) {
        List<String> ids = containerIds(service);
        if (ids.isEmpty()) {
            throw new IllegalStateException("service " + service + " has no container");
        }
        return ids.get(0);
    }

    /** An operator script run against this project (COMPOSE_PROJECT_NAME and the run's paths set). */
    public Command script(String... arguments) {
        List<String> line = new ArrayList<>(List.of("bash"));
        line.addAll(List.of(arguments));
        return Command.of(line).env(environment).env("NO_COLOR", "1").in(Repo.root());
    }

    static {
        RestAssured.urlEncodingEnabled = true;
    }

    // ---------------------------------------------------------------------------------------

    /** Services of the merged compose configuration whose profiles (if any) are active. */
    static List<String> activeServices(String mergedConfig, String activeProfiles) {
        Set<String> active = new java.util.HashSet<>(List.of(activeProfiles.split("[,\\s]+")));
        List<String> names = new ArrayList<>();
        try {
            var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            yaml.readTree(mergedConfig).path("services").fields().forEachRemaining(entry -> {
                var profiles = entry.getValue().path("profiles");
                boolean enabled = profiles.isMissingNode() || profiles.isEmpty();
                for (var profile : profiles) {
                    enabled |= active.contains(profile.asText());
                }
                if (enabled) {
                    names.add(entry.getKey());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the compose config", e);
        }
        return names;
    }

    static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static void writeReadable(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            // Read by the containers' non-root users through bind mounts.
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
