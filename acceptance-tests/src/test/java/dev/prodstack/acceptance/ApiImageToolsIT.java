package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a foothold in the api container finds (deployment/api/Dockerfile): the JVM, tini and the static health probe,
 * and nothing to fetch or run a tool with: no shell, no busybox, no wget or curl. Read from the running replica's
 * own filesystem ({@code docker export}), not from the recipe.
 */
@Order(91)
class ApiImageToolsIT extends AbstractAcceptanceTest {

    /** Every executable of the image that is not a shared library, by its path in the container. */
    private static final Set<String> EXECUTABLES = Set.of(
            "opt/java/bin/java",
            "opt/java/bin/jfr",
            "opt/java/lib/jexec",
            "opt/java/lib/jspawnhelper",
            "usr/bin/healthcheck",
            "usr/bin/tini");

    @Test
    void the_only_executables_are_the_jvm_tini_and_the_probe() {
        // tar's verbose listing: "-rwxr-xr-x 0/0 16192 2026-12-08 01:30 opt/java/bin/java".
        Command.Result listing = Command.of(
                        "bash",
                        "-o",
                        "pipefail",
                        "-c",
                        "docker export \"$0\" | tar --list --verbose --numeric-owner",
                        stack.containerId("api"))
                .timeout(Duration.ofSeconds(120))
                .check();
        Set<String> executables = new TreeSet<>();
        for (String line : listing.lines()) {
            String[] fields = line.trim().split("\\s+");
            boolean executableFile = fields[0].startsWith("-") && fields[0].indexOf('x') > 0;
            String path = fields[fields.length - 1];
            // Docker's own empty mount points (/etc/hosts, /.dockerenv) are 0-byte files marked 0755.
            boolean mountPoint = "0".equals(fields[2]);
            if (executableFile && !mountPoint && !path.matches(".*\\.so(\\.[0-9]+)*")) {
                executables.add(path);
            }
        }
        System.out.printf("ApiImageToolsIT: executables in the api container: %s%n", executables);
        assertThat(executables).as("executables of the api container").containsExactlyInAnyOrderElementsOf(EXECUTABLES);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sh", "/bin/sh", "bash", "busybox", "wget", "curl", "nc", "perl", "python3", "apt-get"})
    void a_tool_an_intruder_would_use_is_not_there(String tool) {
        Command.Result attempt = Docker.exec(stack.containerId("api"), tool, "-c", "id");
        assertThat(attempt.ok()).as("docker exec api %s", tool).isFalse();
        assertThat(attempt.stdout() + attempt.stderr())
                .as("docker exec api %s", tool)
                .containsAnyOf("executable file not found", "no such file or directory");
    }

    @Test
    void the_probe_says_healthy_only_for_a_2xx_answer() {
        String api = stack.containerId("api");
        assertThat(Docker.exec(api, "/usr/bin/healthcheck").exitCode())
                .as("GET /health")
                .isZero();
        assertThat(Docker.exec(api, "/usr/bin/healthcheck", "8000", "/no-such-page")
                        .exitCode())
                .as("GET /no-such-page (404)")
                .isEqualTo(1);
        assertThat(Docker.exec(api, "/usr/bin/healthcheck", "1").exitCode())
                .as("a port nothing listens on")
                .isEqualTo(1);
        // The engine's view: the HEALTHCHECK runs the same probe every 2 s.
        assertThat(AcceptanceStack.healthState(api))
                .as("health of the api container")
                .isEqualTo("healthy");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/health\r\nHost: example.org", "health", "/he alth", "/health\tx"})
    void the_probe_sends_no_request_but_its_own(String path) {
        Command.Result attempt = Docker.exec(stack.containerId("api"), "/usr/bin/healthcheck", "8000", path);
        assertThat(attempt.exitCode()).as("healthcheck 8000 %s", List.of(path)).isEqualTo(2);
        assertThat(attempt.stderr()).contains("PATH must start with /");
    }
}
