package dev.prodstack.acceptance.support;

import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes what a run created, by the compose project label, because Ryuk is off: every
 * container, network and volume of a project carries com.docker.compose.project.
 * Projects are named {@value #PREFIX}&lt;random&gt;; an owner file with the JVM's pid tells a live run
 * from the debris of an interrupted one.
 */
public final class Janitor {

    public static final String PREFIX = "prodstack-acc-";
    private static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "prodstack-acceptance");

    private Janitor() {}

    public static void claim(String project) {
        try {
            Files.createDirectories(OWNERS);
            Files.writeString(
                    OWNERS.resolve(project + ".pid"),
                    Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the owner file of " + project, e);
        }
    }

    public static void release(String project) {
        try {
            Files.deleteIfExists(OWNERS.resolve(project + ".pid"));
        } catch (IOException ignored) {
            // the next run's stale check treats a dead pid the same way
        }
    }

    /** Projects of earlier runs whose JVM is gone (killed, power loss, kill -9). */
    public static Set<String> staleProjects() {
        Set<String> projects = new TreeSet<>();
        String format = "{{.Label \"" + Docker.PROJECT_LABEL + "\"}}";
        for (List<String> listing : List.of(
                List.of("docker", "ps", "-a", "--format", format),
                List.of("docker", "network", "ls", "--format", format),
                List.of("docker", "volume", "ls", "--format", format))) {
            Command.Result result =
                    Command.of(listing).timeout(Duration.ofSeconds(60)).run();
            result.lines().stream().filter(name -> name.startsWith(PREFIX)).forEach(projects::add);
        }
        projects.removeIf(Janitor::ownerAlive);
        forgetDeadOwnersWithoutProjects(projects);
        return projects;
    }

    /** Owner files of runs that are over and left nothing behind are just noise. */
    private static void forgetDeadOwnersWithoutProjects(Set<String> stale) {
        try (var owners = Files.list(OWNERS)) {
            owners.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".pid"))
                    .map(name -> name.substring(0, name.length() - ".pid".length()))
                    .filter(project -> !stale.contains(project) && !ownerAlive(project))
                    .forEach(Janitor::release);
        } catch (IOException ignored) {
            // no owner directory yet
        }
    }

    private static boolean ownerAlive(String project) {
        Path owner = OWNERS.resolve(project + ".pid");
        try {
            long pid = Long.parseLong(
                    Files.readString(owner, StandardCharsets.UTF_8).strip());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Force-removes every container, network and volume labelled with the project. */
    public static void sweep(String project) {
        String filter = "label=" + Docker.PROJECT_LABEL + "=" + project;
        remove(List.of("docker", "ps", "-aq", "--filter", filter), List.of("docker", "rm", "-f", "-v"));
        remove(List.of("docker", "network", "ls", "-q", "--filter", filter), List.of("docker", "network", "rm"));
        remove(List.of("docker", "volume", "ls", "-q", "--filter", filter), List.of("docker", "volume", "rm", "-f"));
        release(project);
    }

    private static void remove(List<String> listing, List<String> removal) {
        List<String> ids =
                Command.of(listing).timeout(Duration.ofSeconds(60)).run().lines();
        if (!ids.isEmpty()) {
            List<String> line = new java.util.ArrayList<>(removal);
            line.addAll(ids);
            Command.of(line).timeout(Duration.ofMinutes(2)).run();
        }
    }

    /** What is still there for the project: `docker ps -a`, `docker network ls`, `docker volume ls`, filtered. */
    public static Leftovers leftovers(String project) {
        String filter = "label=" + Docker.PROJECT_LABEL + "=" + project;
        Command.Result containers = Command.of(
                        "docker", "ps", "-a", "--filter", filter, "--format", "{{.ID}} {{.Names}} {{.Status}}")
                .timeout(Duration.ofSeconds(60))
                .run();
        Command.Result networks = Command.of(
                        "docker", "network", "ls", "--filter", filter, "--format", "{{.ID}} {{.Name}}")
                .timeout(Duration.ofSeconds(60))
                .run();
        Command.Result volumes = Command.of("docker", "volume", "ls", "--filter", filter, "--format", "{{.Name}}")
                .timeout(Duration.ofSeconds(60))
                .run();
        return new Leftovers(project, containers.lines(), networks.lines(), volumes.lines());
    }

    /** The leftover check's findings; empty lists mean nothing was left behind. */
    public record Leftovers(String project, List<String> containers, List<String> networks, List<String> volumes) {

        public boolean none() {
            return containers.isEmpty() && networks.isEmpty() && volumes.isEmpty();
        }

        public String report() {
            return "leftover check for project " + project + ":\n"
                    + "  docker ps -a --filter label=" + Docker.PROJECT_LABEL + "=" + project + " -> "
                    + containers.size()
                    + " " + containers + "\n"
                    + "  docker network ls --filter label=" + Docker.PROJECT_LABEL + "=" + project + " -> "
                    + networks.size()
                    + " " + networks + "\n"
                    + "  docker volume ls --filter label=" + Docker.PROJECT_LABEL + "=" + project + " -> "
                    + volumes.size()
                    + " " + volumes;
        }
    }
}
