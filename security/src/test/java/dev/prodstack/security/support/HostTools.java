package dev.prodstack.security.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Host programs some tests use when present (shellcheck, curl). */
public final class HostTools {

    private HostTools() {
    }

    public static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(":")).stream().anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
