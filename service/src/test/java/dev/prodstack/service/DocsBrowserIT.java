package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.TestApps;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /docs renders in a real (headless) browser, from the service alone, and lists every path of the API. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DocsBrowserIT {
    private static final DropwizardAppExtension<ProdstackConfiguration> APP = TestApps.app();

    @Test
    void swaggerUiListsEveryPath(@TempDir Path profile) throws Exception {
        final String dom = renderedDom("http://127.0.0.1:" + APP.getLocalPort() + "/docs", profile);

        assertThat(dom).contains("swagger-ui").contains("prodstack-service");
        final JsonNode paths =
                new Http(APP.getLocalPort()).get("/openapi.json").json().get("paths");
        final List<String> missing = new ArrayList<>();
        paths.fieldNames().forEachRemaining(path -> {
            if (!dom.contains("data-path=\"" + path + "\"")) {
                missing.add(path);
            }
        });
        assertThat(missing)
                .as("paths in /openapi.json that the rendered /docs page does not list")
                .isEmpty();
        assertThat(dom).contains(">GET<", ">POST<", ">PUT<", ">PATCH<", ">DELETE<");
    }

    private static String renderedDom(String url, Path profile) throws IOException, InterruptedException {
        final String chromium = chromium();
        final Path output = profile.resolve("dom.html");
        final Process process = new ProcessBuilder(
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile.resolve("profile"),
                        "--virtual-time-budget=10000",
                        "--dump-dom",
                        url)
                .redirectOutput(output.toFile())
                .redirectError(profile.resolve("stderr.txt").toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish rendering " + url + " within 120 s");
        }
        assertThat(process.exitValue())
                .as("chromium exit code; stderr: %s", Files.readString(profile.resolve("stderr.txt")))
                .isZero();
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Debian's chromium (apt-get install chromium), or PRODSTACK_CHROMIUM. Absent is a failure, not a skip. */
    private static String chromium() {
        final String configured = System.getenv("PRODSTACK_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return fail("headless Chromium is required for this test: install it with `apt-get install -y chromium` "
                + "(or set PRODSTACK_CHROMIUM to a Chromium binary)");
    }
}
