package dev.prodstack.service.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions baked in at build time (Maven-filtered build.properties), so the running jar knows what it is. */
public final class BuildInfo {
    private static final Properties PROPERTIES = load();

    private BuildInfo() {}

    /** The configured APP_VERSION if any, else the jar manifest's, else the build's. */
    public static String version(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        final String manifest = BuildInfo.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : PROPERTIES.getProperty("version", "unknown");
    }

    /** The Swagger UI webjar's version: its files live under a versioned classpath folder. */
    public static String swaggerUiVersion() {
        return PROPERTIES.getProperty("swaggerUiVersion");
    }

    private static Properties load() {
        final Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
