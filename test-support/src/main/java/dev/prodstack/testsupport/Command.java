package dev.prodstack.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One external command (docker, an operator script such as scripts/stack.sh, promtool, shellcheck)
 * run to completion with a time limit, its output drained while it runs; the one process runner of
 * every test module. A non-zero exit is a {@link Result}, a time-out an exception.
 */
public final class Command {

    private static final File DEV_NULL = new File("/dev/null");

    private final List<String> arguments;
    private final Map<String, String> environment = new HashMap<>();
    private final Set<String> unset = new HashSet<>();
    private Path directory;
    private Duration timeout = Duration.ofMinutes(2);
    private byte[] input;

    private Command(List<String> arguments) {
        this.arguments = List.copyOf(arguments);
    }

    public static Command of(String... arguments) {
        return new Command(List.of(arguments));
    }

    public static Command of(List<String> arguments) {
        return new Command(arguments);
    }

    /** A host program found on PATH (or a test failure naming its Debian package), with arguments. */
    public static Command program(HostProgram program, String... arguments) {
        List<String> line = new ArrayList<>(List.of(program.path().toString()));
        line.addAll(List.of(arguments));
        return new Command(line);
    }

    public Command env(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    public Command env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Removes an inherited variable, so that the command sees its default rather than this JVM's. */
    public Command unset(String name) {
        unset.add(name);
        environment.remove(name);
        return this;
    }

    public Command in(Path workingDirectory) {
        this.directory = workingDirectory;
        return this;
    }

    public Command timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    public Command input(byte[] standardInput) {
        this.input = standardInput.clone();
        return this;
    }

    public List<String> arguments() {
        return arguments;
    }

    /** Runs the command; a non-zero exit is a result, not an exception. */
    public Result run() {
        ProcessBuilder builder = builder();
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + this, e);
        }
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try {
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input);
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeout + ": " + this + "\n--- stdout ---\n"
                        + text(stdout) + "\n--- stderr ---\n" + text(stderr));
            }
            return new Result(
                    this,
                    process.exitValue(),
                    text(stdout),
                    text(stderr),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + this, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the input of " + this, e);
        }
    }

    /**
     * Starts a long-running program (a server a test talks to) with stdout and stderr into
     * {@code log}; the caller owns the process and ends it.
     */
    public Process spawn(Path log) {
        ProcessBuilder builder = builder()
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + this, e);
        }
    }

    private ProcessBuilder builder() {
        ProcessBuilder builder = new ProcessBuilder(arguments);
        builder.environment().keySet().removeAll(unset);
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        return builder;
    }

    /** Runs the command and fails with its output unless it exits 0. */
    public Result check() {
        Result result = run();
        if (result.exitCode() != 0) {
            throw new IllegalStateException(result.describe());
        }
        return result;
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }

    private static String text(CompletableFuture<byte[]> output) {
        try {
            return new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return String.join(" ", arguments);
    }

    /** What a finished command left behind. */
    public record Result(Command command, int exitCode, String stdout, String stderr, Duration took) {

        public boolean ok() {
            return exitCode == 0;
        }

        /** What the command printed, stdout then stderr. */
        public String output() {
            return stdout + stderr;
        }

        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }

        public String describe() {
            return "`" + command + "` exited " + exitCode + " after " + took.toMillis() + " ms" + "\n--- stdout ---\n"
                    + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
        }

        private static String tail(String text) {
            int limit = 6000;
            return text.length() <= limit ? text : "[...]" + text.substring(text.length() - limit);
        }
    }
}
