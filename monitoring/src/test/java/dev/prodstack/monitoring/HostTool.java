package dev.prodstack.monitoring;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool of the host that the tests run: found on PATH or it fails the test with
 * the Debian package that provides it (CI installs the same packages; a missing tool is a
 * broken machine, not a reason to skip).
 */
enum HostTool {
    PROMTOOL("promtool", "prometheus"),
    PROMETHEUS("prometheus", "prometheus"),
    AMTOOL("amtool", "prometheus-alertmanager"),
    BLACKBOX_EXPORTER("prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
    SHELLCHECK("shellcheck", "shellcheck"),
    BASH("bash", "bash");

    private final String command;
    private final String debianPackage;

    HostTool(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    Path path() {
        String searchPath = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin"
                + File.pathSeparator + "/usr/local/bin";
        for (String directory : searchPath.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(command + " not found on PATH: install the Debian package " + debianPackage
                + " (apt-get install " + debianPackage + ")");
    }

    Result run(Duration timeout, String... arguments) {
        return run(timeout, Map.of(), List.of(arguments));
    }

    Result run(Duration timeout, Map<String, String> environment, List<String> arguments) {
        List<String> commandLine = new ArrayList<>();
        commandLine.add(path().toString());
        commandLine.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(commandLine);
        builder.environment().putAll(environment);
        try {
            Path stdout = Files.createTempFile("prodstack-" + command, ".out");
            Path stderr = Files.createTempFile("prodstack-" + command, ".err");
            try {
                Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                Result result = new Result(String.join(" ", commandLine), finished ? process.exitValue() : -1,
                        Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
                if (!finished) {
                    throw new AssertionError("did not finish within " + timeout + ": " + result.describe());
                }
                return result;
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + commandLine, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + commandLine, e);
        }
    }

    /** Exit code and output of one run. */
    record Result(String commandLine, int exitCode, String stdout, String stderr) {

        /** What the tool printed, stdout then stderr. */
        String output() {
            return stdout + stderr;
        }

        /** For AssertJ's as(): the command and what it printed. */
        String describe() {
            return commandLine + " exited " + exitCode + ":\n" + output();
        }
    }
}
