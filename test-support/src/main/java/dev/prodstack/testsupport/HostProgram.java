package dev.prodstack.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A program of the host that a test runs, with the Debian package that provides it: a missing one
 * fails the test with the install line (CI installs the same packages; a missing tool is a broken
 * machine, not a reason to skip).
 */
public record HostProgram(String command, String debianPackage) {

    public static HostProgram of(String command, String debianPackage) {
        return new HostProgram(command, debianPackage);
    }

    /** The executable on PATH, or /usr/bin and /usr/local/bin when PATH lacks them. */
    public Path path() {
        return find().orElseThrow(() -> new AssertionError(command + " not found on PATH: install the Debian package "
                + debianPackage + " (apt-get install " + debianPackage + ")"));
    }

    public boolean installed() {
        return find().isPresent();
    }

    private Optional<Path> find() {
        String searchPath = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin"
                + File.pathSeparator + "/usr/local/bin";
        for (String directory : searchPath.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
                return Optional.of(Path.of(directory, command));
            }
        }
        return Optional.empty();
    }
}
