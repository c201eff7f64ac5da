package dev.prodstack.acceptance.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One external command (docker, an operator script such as scripts/stack.sh) run to completion with a
 * time limit; the suite talks to the stack only through such commands and HTTP.
 */
public final class Command {

    private final List<String> arguments;
    private final Map<String, String> environment = new HashMap<>();
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

    public Command env(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    public Command env(String name, String value) {
        environment.put(name, value);
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
        ProcessBuilder builder = new ProcessBuilder(arguments);
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
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
                throw new IllegalStateException("timed out after " + timeout + ": " + this
                        + "\n--- stdout ---\n" + text(stdout) + "\n--- stderr ---\n" + text(stderr));
            }
            return new Result(this, process.exitValue(), text(stdout), text(stderr),
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
            return "`" + command + "` exited " + exitCode + " after " + took.toMillis() + " ms"
                    + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
        }

        private static String tail(String text) {
            int limit = 6000;
            return text.length() <= limit ? text : "[...]" + text.substring(text.length() - limit);
        }
    }
}
