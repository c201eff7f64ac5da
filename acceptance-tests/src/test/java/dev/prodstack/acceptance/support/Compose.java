package dev.prodstack.acceptance.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The docker-compose (v1) command line for one project: the same files, variables and project
 * name for every call, so the suite drives the stack exactly as scripts/stack.sh and operators do.
 */
public final class Compose {

    public static final String EXECUTABLE = System.getProperty("acceptance.compose", "docker-compose");

    private final String project;
    private final List<Path> files;
    private final Map<String, String> environment;

    public Compose(String project, List<Path> files, Map<String, String> environment) {
        this.project = project;
        this.files = List.copyOf(files);
        this.environment = Map.copyOf(environment);
    }

    public String project() {
        return project;
    }

    public List<Path> files() {
        return files;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Command command(String... arguments) {
        List<String> line = new ArrayList<>();
        line.add(EXECUTABLE);
        line.add("--no-ansi");
        line.add("-p");
        line.add(project);
        for (Path file : files) {
            line.add("-f");
            line.add(file.toString());
        }
        line.addAll(List.of(arguments));
        return Command.of(line).env(environment).in(Repo.root());
    }

    public Command.Result up(Duration timeout) {
        // --no-build: the images come from scripts/build-images.sh; compose must never build here.
        return command("up", "-d", "--no-build", "--remove-orphans").timeout(timeout).run();
    }

    public Command.Result down() {
        return command("down", "-v", "--remove-orphans", "--timeout", "10").timeout(Duration.ofMinutes(3)).run();
    }

    public void stop(String... services) {
        List<String> arguments = new ArrayList<>(List.of("stop", "--timeout", "20"));
        arguments.addAll(List.of(services));
        command(arguments.toArray(String[]::new)).timeout(Duration.ofMinutes(2)).check();
    }

    public void start(String... services) {
        List<String> arguments = new ArrayList<>(List.of("start"));
        arguments.addAll(List.of(services));
        command(arguments.toArray(String[]::new)).timeout(Duration.ofMinutes(2)).check();
    }

    public String config() {
        return command("config").timeout(Duration.ofSeconds(60)).check().stdout();
    }

    public String ps() {
        return command("ps", "--all").timeout(Duration.ofSeconds(60)).run().stdout();
    }
}
