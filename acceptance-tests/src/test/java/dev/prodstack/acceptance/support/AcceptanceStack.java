package dev.prodstack.acceptance.support;

import dev.prodstack.testsupport.Command;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one production + monitoring stack of a suite run, started on first use and removed when
 * the JUnit session ends (or, if the run is interrupted, by a JVM shutdown hook).
 *
 * <p>The tests' entry point; the work is done by {@link StackLifecycle} (prepare, up, health,
 * teardown through scripts/stack.sh), {@link StackEnvironment} (variables, files, services),
 * {@link StackEndpoints} (ports, URLs, request specs, secrets, containers), {@link StackFaults}
 * (stopping and starting services) and {@link StackDiagnostics} (evidence of a failure).
 */
public final class AcceptanceStack {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptanceStack.class);

    /** One-shot jobs: they must exit 0, and nothing waits for them to be healthy. */
    public static final Set<String> ONE_SHOT_SERVICES = StackEnvironment.ONE_SHOT_SERVICES;

    private static volatile AcceptanceStack instance;
    private static RuntimeException startFailure;

    private final StackLifecycle lifecycle;
    private StackEndpoints endpoints;
    private StackFaults faults;

    private AcceptanceStack(String project, boolean reused) {
        this.lifecycle = new StackLifecycle(project, reused);
    }

    /** The running stack; starts it on the first call. A failed start fails every later caller too. */
    public static synchronized AcceptanceStack get() {
        if (startFailure != null) {
            throw new IllegalStateException(
                    "the acceptance stack failed to start (see the first failure): " + startFailure.getMessage(),
                    startFailure);
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
                stack.lifecycle.diagnoseFailedStart();
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
            current.lifecycle.tearDown();
        }
    }

    private void start() {
        long started = System.nanoTime();
        lifecycle.start(AcceptanceStack::shutdown);
        StackEnvironment environment = lifecycle.environment();
        endpoints = new StackEndpoints(environment.project(), environment.workDirectory());
        faults = new StackFaults(environment);
        LOG.info(
                "acceptance stack ready in {} s: {} (http {}), prometheus {}, alertmanager {}, api debug {}",
                (System.nanoTime() - started) / 1_000_000_000,
                endpoints.edgeUrl(),
                endpoints.httpPort(),
                endpoints.prometheus().baseUri(),
                endpoints.alertmanager().baseUri(),
                endpoints.apiDebugUrl());
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

    public StackLifecycle lifecycle() {
        return lifecycle;
    }

    public StackEndpoints endpoints() {
        return endpoints;
    }

    /** Stop and start of services, through docker-compose-rule's Container API. */
    public StackFaults faults() {
        return faults;
    }

    // ---------------------------------------------------------------------------------------
    // The tests' short forms, kept so that call sites read as before the split.

    public String project() {
        return lifecycle.environment().project();
    }

    public Compose compose() {
        return lifecycle.environment().compose();
    }

    public Map<String, String> environment() {
        return lifecycle.environment().variables();
    }

    public Path workDirectory() {
        return lifecycle.environment().workDirectory();
    }

    public List<String> longRunningServices() {
        return lifecycle.environment().longRunningServices();
    }

    public void waitHealthy() {
        lifecycle.waitHealthy();
    }

    public void waitHealthy(Duration timeout) {
        lifecycle.waitHealthy(timeout);
    }

    public void restoreHealthy() {
        lifecycle.restoreHealthy();
    }

    public DevCa devCa() {
        return endpoints.devCa();
    }

    public EdgeThrottle throttle() {
        return endpoints.throttle();
    }

    public int hostPort(String service, int containerPort) {
        return endpoints.hostPort(service, containerPort);
    }

    public int httpPort() {
        return endpoints.httpPort();
    }

    public int httpsPort() {
        return endpoints.httpsPort();
    }

    public String edgeUrl() {
        return endpoints.edgeUrl();
    }

    public String apiDebugUrl() {
        return endpoints.apiDebugUrl();
    }

    public Prometheus prometheus() {
        return endpoints.prometheus();
    }

    public Alertmanager alertmanager() {
        return endpoints.alertmanager();
    }

    public String adminToken() {
        return endpoints.adminToken();
    }

    public String secret(String name) {
        return endpoints.secret(name);
    }

    public RequestSpecification edgeSpec() {
        return endpoints.edgeSpec();
    }

    public RequestSpecification edgeUnthrottledSpec() {
        return endpoints.edgeUnthrottledSpec();
    }

    public RequestSpecification edgeHttpSpec() {
        return endpoints.edgeHttpSpec();
    }

    public RequestSpecification apiDebugSpec() {
        return endpoints.apiDebugSpec();
    }

    public void awaitEdgeFollowsTheApi() {
        endpoints.awaitEdgeFollowsTheApi();
    }

    public List<String> containerIds(String service) {
        return endpoints.containerIds(service);
    }

    public String containerId(String service) {
        return endpoints.containerId(service);
    }

    /** An operator script run against this project (COMPOSE_PROJECT_NAME and the run's paths set). */
    public Command script(String... arguments) {
        List<String> line = new ArrayList<>(List.of("bash"));
        line.addAll(List.of(arguments));
        return Command.of(line).env(environment()).env("NO_COLOR", "1").in(Repo.root());
    }

    public static String healthState(String containerId) {
        return StackDiagnostics.healthState(containerId);
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
