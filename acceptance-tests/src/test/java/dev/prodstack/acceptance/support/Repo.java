package dev.prodstack.acceptance.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's parts are, as seen from the acceptance module. */
public final class Repo {

    private static final Path ROOT = locateRoot();

    private Repo() {}

    public static Path root() {
        return ROOT;
    }

    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    /** Scratch space of this module's build (acceptance-tests/target/acceptance). */
    public static Path workDirectory() {
        String configured = System.getProperty("acceptance.workdir");
        return configured != null
                ? Path.of(configured).toAbsolutePath()
                : ROOT.resolve("acceptance-tests/target/acceptance");
    }

    private static Path locateRoot() {
        String configured = System.getProperty("prodstack.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path candidate = start.toAbsolutePath().normalize();
                candidate != null;
                candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("pom.xml"))
                    && Files.isDirectory(candidate.resolve("acceptance-tests"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + start);
    }
}
