package dev.prodstack.acceptance.support;

import com.palantir.docker.compose.DockerComposeExtension;
import com.palantir.docker.compose.configuration.DockerComposeFiles;
import com.palantir.docker.compose.configuration.ProjectName;
import com.palantir.docker.compose.connection.Container;
import com.palantir.docker.compose.connection.DockerMachine;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault tests' hands on the running stack: stop and start of one service through
 * docker-compose-rule's {@link Container} API, attached to the project that scripts/stack.sh
 * brought up. The rule never starts or removes anything here (its {@code before()}/{@code after()}
 * are not called: see acceptance-tests/README.md, "docker-compose-rule"), so the scripts keep the
 * lifecycle and the Janitor still finds everything by label.
 *
 * <p>It runs {@code docker compose} over the project's effective configuration as compose rendered
 * it ({@code stack.sh compose -- config}), under the same project name.
 */
public final class StackFaults {

    private static final Logger LOG = LoggerFactory.getLogger(StackFaults.class);

    private final DockerComposeExtension rule;

    StackFaults(StackEnvironment environment) {
        Compose compose = environment.compose();
        Path effective = environment.workDirectory().resolve("compose-effective.yml");
        StackEnvironment.writeReadable(effective, compose.config());
        this.rule = DockerComposeExtension.builder()
                .files(DockerComposeFiles.from(effective.toString()))
                .projectName(ProjectName.fromString(environment.project()))
                .machine(DockerMachine.localMachine().build())
                .useDockerComposeV2(true)
                .build();
        LOG.info("fault injection: docker-compose-rule with docker compose over {}", effective);
    }

    /** `compose stop SERVICE`: a graceful stop, as an operator or an orchestrator does it. */
    public void stop(String service) {
        act("stop", service, container(service)::stop);
    }

    /** `compose start SERVICE`: the same container again, with its data. */
    public void start(String service) {
        act("start", service, container(service)::start);
    }

    private Container container(String service) {
        return rule.containers().container(service);
    }

    private interface Action {
        void run() throws IOException, InterruptedException;
    }

    private static void act(String verb, String service, Action action) {
        long started = System.nanoTime();
        try {
            action.run();
        } catch (IOException e) {
            throw new IllegalStateException(verb + " " + service + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + verb + " " + service, e);
        }
        LOG.info("{} {}: {} ms", verb, service, (System.nanoTime() - started) / 1_000_000);
    }
}
