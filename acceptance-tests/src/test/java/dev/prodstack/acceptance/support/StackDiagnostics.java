package dev.prodstack.acceptance.support;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence a failed run leaves: on a failed start the state and last log lines of every
 * container that is not healthy, before teardown every container's full output under target/,
 * after it the leftover report.
 */
public final class StackDiagnostics {

    private static final Logger LOG = LoggerFactory.getLogger(StackDiagnostics.class);

    private StackDiagnostics() {}

    /** healthy / unhealthy / starting, running (no healthcheck), exited(N), created ... */
    public static String healthState(String containerId) {
        InspectContainerResponse.ContainerState state =
                Docker.inspect(containerId).getState();
        if (Boolean.TRUE.equals(state.getRunning())) {
            return state.getHealth() == null ? "running" : state.getHealth().getStatus();
        }
        if ("exited".equals(state.getStatus())) {
            return "exited(" + state.getExitCodeLong() + ")";
        }
        return state.getStatus();
    }

    /** Into the build log: why the stack did not come up. */
    static void logFailedStart(Compose compose) {
        try {
            LOG.error("compose ps --all:\n{}", compose.ps());
            for (Container container : Docker.containers(compose.project())) {
                String state = healthState(container.getId());
                if (!"healthy".equals(state) && !"exited(0)".equals(state)) {
                    Command.Result tail = Command.of("docker", "logs", "--tail", "40", container.getId())
                            .run();
                    LOG.error(
                            "{} is {}; last log lines:\n{}{}",
                            Docker.name(container),
                            state,
                            tail.stdout(),
                            tail.stderr());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("diagnosis failed: {}", e.toString());
        }
    }

    /** The containers' output is evidence for a failed test; kept under target/ after the run. */
    static void saveLogs(Compose compose, Path workDirectory) {
        try {
            Path logs = workDirectory.resolve("logs");
            Files.createDirectories(logs);
            Files.writeString(logs.resolve("compose-ps.txt"), compose.ps());
            for (Container container : Docker.containers(compose.project())) {
                Command.Result result = Command.of("docker", "logs", "--timestamps", container.getId())
                        .timeout(Duration.ofSeconds(60))
                        .run();
                Files.writeString(logs.resolve(Docker.name(container) + ".log"), result.output());
            }
        } catch (RuntimeException | IOException e) {
            LOG.warn("could not save the container logs: {}", e.toString());
        }
    }

    /** target/acceptance/leftovers.txt: the in-JVM check; nothing-left-behind.sh checks again after the JVM. */
    static void writeLeftoverReport(Janitor.Leftovers leftovers) {
        try {
            Files.writeString(
                    Repo.workDirectory().resolve("leftovers.txt"),
                    (leftovers.none() ? "NOTHING LEFT BEHIND\n" : "LEFTOVERS FOUND\n") + leftovers.report() + "\n");
        } catch (IOException e) {
            LOG.warn("could not write the leftover report: {}", e.toString());
        }
    }
}
