package dev.prodstack.security.support;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The nginx image the edge config is tested in: {@code -Dnginx.image=...} (Maven property), else the
 * {@code NGINX_IMAGE} environment variable (the one the compose files read), else the offline image
 * named in {@code deployment/images/offline.env}.
 */
public final class NginxImage {

    private static final Pattern OFFLINE_ENTRY =
            Pattern.compile("^\\s*(?:export\\s+)?NGINX_IMAGE=[\"']?([^\"'\\s]+)[\"']?\\s*$", Pattern.MULTILINE);
    private static final Pattern SHELL_DEFAULT = Pattern.compile("\\$\\{\\w+:?[-=]([^}]+)}");

    private NginxImage() {}

    public static String name() {
        return firstNonBlank(System.getProperty("prodstack.nginx.image"))
                .or(() -> firstNonBlank(System.getenv("NGINX_IMAGE")))
                .or(NginxImage::offlineImage)
                .orElseThrow(() -> new IllegalStateException(
                        "no nginx image: set NGINX_IMAGE (e.g. nginx:1.27.3) or -Dnginx.image, or build the offline "
                                + "images with scripts/build-images.sh (deployment/images/offline.env names them)"));
    }

    /**
     * The image, checked to be present locally when it is one of ours: nothing can pull a
     * {@code prodstack/} image, so its absence is reported at once and with the way out.
     */
    public static DockerImageName require() {
        String name = name();
        if (name.startsWith("prodstack/")) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            } catch (NotFoundException e) {
                throw new IllegalStateException(
                        "image " + name + " is not built: run scripts/build-images.sh, "
                                + "or test against another image with NGINX_IMAGE=... / -Dnginx.image=...",
                        e);
            }
        }
        return DockerImageName.parse(name);
    }

    private static Optional<String> offlineImage() {
        Path offlineEnv = DevCertificates.repositoryRoot().resolve("deployment/images/offline.env");
        if (!Files.isRegularFile(offlineEnv)) {
            return Optional.empty();
        }
        try {
            Matcher entry = OFFLINE_ENTRY.matcher(Files.readString(offlineEnv));
            if (!entry.find()) {
                return Optional.empty();
            }
            // NGINX_IMAGE=${NGINX_IMAGE:-prodstack/nginx:...} names its default the shell way.
            Matcher shellDefault = SHELL_DEFAULT.matcher(entry.group(1));
            return Optional.of(shellDefault.matches() ? shellDefault.group(1) : entry.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> firstNonBlank(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }
}
