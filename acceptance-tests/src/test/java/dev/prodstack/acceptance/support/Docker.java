package dev.prodstack.acceptance.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker engine as an operator sees it: Testcontainers' client for listing and inspecting,
 * the docker CLI for exec, logs and image history (what a person would type).
 */
public final class Docker {

    public static final String PROJECT_LABEL = "com.docker.compose.project";
    public static final String SERVICE_LABEL = "com.docker.compose.service";

    private Docker() {}

    public static DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    /** Every container of the project, stopped ones included, ordered by service then name. */
    public static List<Container> containers(String project) {
        List<Container> containers = new ArrayList<>(client().listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(PROJECT_LABEL, project))
                .exec());
        containers.sort(Comparator.comparing((Container c) -> service(c)).thenComparing(c -> name(c)));
        return containers;
    }

    public static List<Container> containers(String project, String service) {
        return containers(project).stream()
                .filter(c -> service.equals(service(c)))
                .toList();
    }

    public static String service(Container container) {
        return container.getLabels().getOrDefault(SERVICE_LABEL, "?");
    }

    public static String name(Container container) {
        String[] names = container.getNames();
        return names == null || names.length == 0
                ? container.getId().substring(0, 12)
                : names[0].replaceFirst("^/", "");
    }

    public static InspectContainerResponse inspect(String containerId) {
        return client().inspectContainerCmd(containerId).exec();
    }

    /** `docker exec` as the container's own user. */
    public static Command.Result exec(String containerId, String... command) {
        List<String> line = new ArrayList<>(List.of("docker", "exec", containerId));
        line.addAll(List.of(command));
        return Command.of(line).timeout(Duration.ofSeconds(60)).run();
    }

    /** Container output since an RFC 3339 time or a relative one like "2m": stdout and stderr merged. */
    public static String logs(String containerId, String since) {
        Command.Result result = Command.of("docker", "logs", "--since", since, containerId)
                .timeout(Duration.ofSeconds(60))
                .check();
        return result.stdout() + result.stderr();
    }

    /** Every layer's creating command, untruncated. */
    public static String history(String image) {
        return Command.of("docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
                .timeout(Duration.ofSeconds(60))
                .check()
                .stdout();
    }
}
