package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.acceptance.support.StackScript;
import dev.prodstack.testsupport.Command;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Compose v2 is what the scripts run, and the stack's files are what it accepts: the version the compose
 * layer reports is the plugin's own (2.x, no stand-in), every file combination the scripts use passes
 * {@code docker compose config} and the Swarm file {@code docker stack config}; without a Compose v2 plugin the
 * scripts stop at once with one message saying how to get it. No stack is started.
 */
class ComposeV2IT {

    @TempDir
    static Path work;

    @Test
    void theScriptsRunTheComposeV2PluginItself() {
        Command.Result version = stack(Map.of(), "compose", "--", "version", "--short");
        assertThat(version.exitCode()).as(version.describe()).isZero();
        String plugin = version.stdout().strip();
        assertThat(plugin).as("`docker compose version --short`").matches("v?2\\.\\d+\\.\\d+.*");
        assertThat(StackScript.composeUsed(version))
                .as(version.describe())
                .hasValue("docker compose (v" + plugin.replaceFirst("^v", "") + ")");
    }

    @Test
    void everyComposeFileCombinationPassesComposeConfigAndTheSwarmFileStackConfig() {
        Command.Result checks = Command.of(
                        "bash",
                        Repo.path(".github/lint/config-checks.sh").toString(),
                        "--only",
                        "compose",
                        "--images",
                        Repo.path("deployment/images/offline.env").toString())
                .env("NO_COLOR", "1")
                .timeout(Duration.ofMinutes(3))
                .run();
        assertThat(checks.exitCode()).as(checks.describe()).isZero();
        assertThat(checks.stderr())
                .as("the main file, the overlays, the bench file, and Swarm's, each with the three env files")
                .contains(
                        "ok docker-compose.yml,docker-compose.override.yml,docker-compose.monitoring.yml,"
                                + "docker-compose.logging.yml,docker-compose.bench.yml with the production env",
                        "ok docker stack config: docker-compose.yml,docker-compose.swarm.yml with the production env")
                .doesNotContain("FAIL");
    }

    @Test
    void withoutComposeV2TheScriptsSayHowToGetItAndChangeNothing() throws IOException {
        // A docker CLI whose compose plugin is missing: everything else goes to the real one.
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path docker = bin.resolve("docker");
        Files.writeString(
                docker,
                "#!/bin/sh\n"
                        + "if [ \"$1\" = compose ]; then echo \"docker: 'compose' is not a docker command.\" >&2; exit 1; fi\n"
                        + "exec " + realDocker() + " \"$@\"\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        environment.put("COMPOSE_PROJECT_NAME", "prodstack-acc-nocompose");
        for (List<String> command :
                List.of(List.of("compose", "--", "version"), List.of("up", "--offline", "--dry-run"))) {
            Command.Result result = stack(environment, command.toArray(String[]::new));
            assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
            assertThat(result.stderr().lines().filter(line -> line.startsWith("error")))
                    .as(result.describe())
                    .singleElement()
                    .asString()
                    .contains("Compose v2 ('docker compose') does not answer", "docker-compose/trixie");
            assertThat(result.stderr()).as("nothing was started").doesNotContain("==> starting project");
        }
    }

    private static String realDocker() {
        for (String directory : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "docker");
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("no docker CLI on PATH");
    }

    private static Command.Result stack(Map<String, String> environment, String... arguments) {
        return StackScript.command(environment, List.of(arguments))
                .timeout(Duration.ofMinutes(2))
                .run();
    }
}
