package dev.prodstack.acceptance.support;

import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compose for one project, always through {@code scripts/stack.sh compose -- ARGS}: the script
 * adds the stack's files (the production file, {@code --monitoring} for the overlay, {@code --file}
 * for the suite's own overrides), project and variables, so the suite drives the stack exactly as
 * the scripts and operators do.
 */
public final class Compose {

    private final String project;
    private final boolean monitoring;
    private final List<Path> extraFiles;
    private final Map<String, String> environment;

    public Compose(String project, boolean monitoring, List<Path> extraFiles, Map<String, String> environment) {
        this.project = project;
        this.monitoring = monitoring;
        this.extraFiles = List.copyOf(extraFiles);
        this.environment = Map.copyOf(environment);
    }

    public String project() {
        return project;
    }

    /** The files after deployment/docker-compose.yml (and the monitoring overlay). */
    public List<Path> extraFiles() {
        return extraFiles;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Command command(String... arguments) {
        List<String> line = new ArrayList<>(List.of("compose", "--project", project));
        if (monitoring) {
            line.add("--monitoring");
        }
        for (Path file : extraFiles) {
            line.add("--file");
            line.add(file.toString());
        }
        line.add("--");
        line.addAll(List.of(arguments));
        return StackScript.command(environment, line);
    }

    public Command.Result up(Duration timeout) {
        // --no-build: the images come from `stack.sh prepare`; compose must never build here.
        return command("up", "-d", "--no-build", "--remove-orphans")
                .timeout(timeout)
                .run();
    }

    public Command.Result down() {
        return command("down", "-v", "--remove-orphans", "--timeout", "10")
                .timeout(Duration.ofMinutes(3))
                .run();
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

    /** Stopped containers included (compose lists them only with --all). */
    public String ps() {
        return command("ps", "--all").timeout(Duration.ofSeconds(60)).run().stdout();
    }

    /** `compose version`; the result names the compose that the scripts chose (StackScript.composeUsed). */
    public Command.Result version() {
        return command("version").timeout(Duration.ofSeconds(60)).run();
    }
}
