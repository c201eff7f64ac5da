package dev.prodstack.service.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Secrets come from files (Docker secrets), never from environment variables or the YAML. */
public final class Secrets {
    private Secrets() {}

    /** The file's content without surrounding whitespace: the newline of {@code echo secret > file} is not part of it. */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // The message names the file, never its content.
            throw new UncheckedIOException("cannot read secret file " + file, e);
        }
    }
}
