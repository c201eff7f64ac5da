package dev.prodstack.acceptance.support;

import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start, health and teardown of the run's compose project, always through the documented commands
 * of scripts/stack.sh ({@code prepare}, {@code compose -- ARGS}, {@code wait-healthy}). Teardown removes everything the project made (compose
 * {@code down}, then the Janitor's sweep by label) unless the project is kept on purpose.
 */
public final class StackLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StackLifecycle.class);

    private static final Duration UP_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(4);

    private final StackEnvironment environment;
    private final boolean reused;
    private final boolean keep;
    private Thread shutdownHook;
    private boolean down;

    StackLifecycle(String project, boolean reused) {
        this.environment = new StackEnvironment(project);
        this.reused = reused;
        this.keep = Boolean.getBoolean("acceptance.keep") || reused;
    }

    public StackEnvironment environment() {
        return environment;
    }

    /** Prepared, up and healthy; a reused (kept) project is brought up to date (`up` changes only what differs). */
    void start(Runnable teardownOnExit) {
        LOG.info("acceptance stack: project {}, work directory {}", environment.project(), environment.workDirectory());
        preflight();
        if (!reused) {
            for (String stale : Janitor.staleProjects()) {
                LOG.warn("removing the leftovers of an interrupted earlier run: project {}", stale);
                Janitor.sweep(stale);
            }
            Janitor.claim(environment.project());
            shutdownHook = new Thread(teardownOnExit, "acceptance-stack-teardown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        environment.prepare(reused);
        up();
        waitHealthy(HEALTH_TIMEOUT);
    }

    private void preflight() {
        Command.of("docker", "version", "--format", "{{.Server.Version}}")
                .timeout(Duration.ofSeconds(30))
                .check();
        Command.Result version = StackScript.command(Map.of(), List.of("compose", "--", "version"))
                .timeout(Duration.ofSeconds(60))
                .check();
        LOG.info(
                "compose: {}", StackScript.composeUsed(version).orElse("(no progress line: " + version.stderr() + ")"));
    }

    private void up() {
        long started = System.nanoTime();
        LOG.info("compose up: production file, monitoring overlay, {}", environment.files());
        Command.Result result = environment.compose().up(UP_TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("compose up failed:\n" + result.describe());
        }
        LOG.info(
                "{} up returned after {} s",
                StackScript.composeUsed(result).orElse("compose"),
                (System.nanoTime() - started) / 1_000_000_000);
    }

    /**
     * {@code scripts/stack.sh wait-healthy}: the scripts' one health wait (scripts/lib/health.sh),
     * with every long-running service of the run required to have a container.
     */
    public void waitHealthy(Duration timeout) {
        List<String> arguments = new ArrayList<>(List.of(
                "wait-healthy",
                "--project",
                environment.project(),
                "--timeout",
                Long.toString(Math.max(1, timeout.toSeconds()))));
        for (String service : environment.longRunningServices()) {
            arguments.add("--service");
            arguments.add(service);
        }
        Command.Result result = StackScript.command(environment.variables(), arguments)
                .timeout(timeout.plusMinutes(1))
                .run();
        if (!result.ok()) {
            throw new IllegalStateException("not healthy after " + timeout.toSeconds() + " s:\n" + result.describe());
        }
        LOG.info("health:\n{}", result.stderr().strip());
    }

    public void waitHealthy() {
        waitHealthy(HEALTH_TIMEOUT);
    }

    /**
     * After a fault test: starts every long-running service that is stopped and waits until all
     * are healthy again (the fault tests' obligation to leave the stack as they found it).
     */
    public void restoreHealthy() {
        List<String> arguments = new ArrayList<>(List.of("start"));
        arguments.addAll(environment.longRunningServices());
        environment
                .compose()
                .command(arguments.toArray(String[]::new))
                .timeout(Duration.ofMinutes(3))
                .run();
        waitHealthy(Duration.ofMinutes(3));
    }

    /** Safe to call more than once, and from the shutdown hook while another thread still starts the stack. */
    synchronized void tearDown() {
        if (down) {
            return;
        }
        down = true;
        String project = environment.project();
        if (keep) {
            try {
                Files.writeString(environment.workDirectory().resolve("kept"), project + "\n");
            } catch (IOException e) {
                LOG.warn("could not mark the project as kept: {}", e.toString());
            }
            LOG.warn(
                    "keeping project {} (-Dacceptance.keep / -Dacceptance.project); reuse it with "
                            + "-Dacceptance.project={}, remove it with: rm {} && bash acceptance-tests/scripts/nothing-left-behind.sh {}",
                    project,
                    project,
                    environment.workDirectory().resolve("kept"),
                    Repo.workDirectory());
            return;
        }
        long started = System.nanoTime();
        if (Thread.currentThread() == shutdownHook) {
            // Interrupted run: a compose `up` still in flight would recreate what we remove.
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        }
        Compose compose = environment.compose();
        if (compose != null) {
            StackDiagnostics.saveLogs(compose, environment.workDirectory());
            Command.Result result = compose.down();
            if (!result.ok()) {
                LOG.warn("compose down failed, sweeping by label:\n{}", result.describe());
            }
        }
        Janitor.sweep(project);
        Janitor.Leftovers leftovers = Janitor.leftovers(project);
        LOG.info("stack removed in {} s\n{}", (System.nanoTime() - started) / 1_000_000_000, leftovers.report());
        StackDiagnostics.writeLeftoverReport(leftovers);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    /** On a failed start, before teardown: why the stack did not come up. */
    void diagnoseFailedStart() {
        if (environment.compose() != null) {
            StackDiagnostics.logFailedStart(environment.compose());
        }
    }
}
