package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.support.Compose;
import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.acceptance.support.StackScript;
import dev.prodstack.testsupport.Command;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compose layer's choice (scripts/lib/compose.sh): Compose v2 through the `docker compose`
 * CLI plugin path when it answers (here the scripts/dev/compose-v2-shim.sh stand-in, through each
 * Docker CLI of the machine), v1 when forced, and an error naming both when neither exists. No
 * stack is started: `version`, `config` and a dry-run `up` show which compose was taken.
 */
class ComposeChoiceIT {

    private static final String SHIM = "docker compose (v2.99.0-prodstack-shim)";

    @TempDir
    static Path work;

    private static Path withShim;
    private static Path withoutShim;

    @BeforeAll
    static void installTheShim() throws IOException {
        withShim = Files.createDirectories(work.resolve("docker-config-shim"));
        withoutShim = Files.createDirectories(work.resolve("docker-config-empty"));
        Command.of(
                        "bash",
                        Repo.path("scripts/dev/compose-v2-shim.sh").toString(),
                        "install",
                        "--dir",
                        withShim.resolve("cli-plugins").toString())
                .timeout(Duration.ofSeconds(60))
                .check();
    }

    /** The links to host programs go first: @TempDir's clean-up warns once per link it meets. */
    @AfterAll
    static void removeTheLinks() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isSymbolicLink)::iterator) {
                Files.delete(file);
            }
        }
    }

    static Stream<Path> dockerClis() {
        return Stream.of("/usr/local/bin/docker", "/usr/bin/docker")
                .map(Path::of)
                .filter(Files::isExecutable);
    }

    @ParameterizedTest(name = "through {0}")
    @MethodSource("dockerClis")
    void theScriptsTakeComposeV2WhenDockerComposeAnswers(Path dockerCli) throws IOException {
        Path bin = Files.createDirectories(
                work.resolve("bin-" + dockerCli.getParent().getFileName()));
        Files.deleteIfExists(bin.resolve("docker"));
        Files.createSymbolicLink(bin.resolve("docker"), dockerCli);
        Map<String, String> environment = environment(withShim, "auto");
        environment.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));

        Command.Result version = stack(environment, "compose", "--", "version", "--short");
        assertThat(StackScript.composeUsed(version)).as(version.describe()).contains(SHIM);
        assertThat(version.stdout().strip())
                .as("`docker compose version --short` answered by the plugin")
                .isEqualTo("2.99.0-prodstack-shim");

        Command.Result services = stack(environment, "compose", "--monitoring", "--", "config", "--services");
        assertThat(services.exitCode()).as(services.describe()).isZero();
        assertThat(StackScript.composeUsed(services)).contains(SHIM);
        assertThat(services.lines())
                .as("services of the stack and the overlay, as compose read them")
                .contains("proxy", "api", "migrate", "db", "cache", "prometheus", "alertmanager");
    }

    @Test
    void theSuitesComposeClassGoesThroughTheSameChoice() {
        Compose compose = new Compose("prodstack-acc-choice", true, List.of(), environment(withShim, "auto"));
        Command.Result version = compose.version();
        assertThat(StackScript.composeUsed(version)).as(version.describe()).contains(SHIM);
        assertThat(compose.command("config", "--services").run().lines()).contains("api", "prometheus");

        Compose v1 = new Compose("prodstack-acc-choice", true, List.of(), environment(withoutShim, "v1"));
        assertThat(StackScript.composeUsed(v1.version()).orElse("")).startsWith("docker-compose (v1.");
    }

    @Test
    void stackUpSaysWhichComposeStartsTheProject() {
        Map<String, String> environment = environment(withShim, "auto");
        Command.Result up = stack(environment, "up", "--offline", "--dry-run", "--project", "prodstack-acc-choice");
        assertThat(up.exitCode()).as(up.describe()).isZero();
        assertThat(up.stderr()).contains("==> starting project prodstack-acc-choice with " + SHIM);
    }

    @Test
    void prodstackComposeV1TakesV1WithOrWithoutAV2() {
        for (Path dockerConfig : List.of(withoutShim, withShim)) {
            Command.Result version = stack(environment(dockerConfig, "v1"), "compose", "--", "version", "--short");
            assertThat(version.exitCode()).as(version.describe()).isZero();
            assertThat(StackScript.composeUsed(version).orElse(""))
                    .as(version.describe())
                    .startsWith("docker-compose (v1.");
            assertThat(version.stdout().strip()).startsWith("1.");
        }
    }

    @Test
    void withNeitherTheErrorNamesBothAndHowToInstallV2() throws IOException {
        Map<String, String> environment = environment(withoutShim, "auto");
        environment.put("PATH", pathWithout("docker", "docker-compose").toString());
        Command.Result neither = stack(environment, "compose", "--", "version");
        assertThat(neither.exitCode()).as(neither.describe()).isEqualTo(1);
        assertThat(neither.stderr())
                .as(neither.describe())
                .contains("Compose v2 ('docker compose')", "Compose v1 ('docker-compose')", "docker-compose-plugin");

        environment.put("PRODSTACK_COMPOSE", "v2");
        Command.Result forced = stack(environment, "compose", "--", "version");
        assertThat(forced.exitCode()).isEqualTo(1);
        assertThat(forced.stderr()).as(forced.describe()).contains("PRODSTACK_COMPOSE=v2", "docker-compose-plugin");
    }

    @Test
    void theShimRefusesWhatV1CannotDo() {
        Command.Result wait = stack(environment(withShim, "auto"), "compose", "--", "up", "-d", "--wait", "db");
        assertThat(wait.exitCode()).isNotZero();
        assertThat(wait.stderr()).as(wait.describe()).contains("'up --wait' is Compose v2 behaviour");
    }

    private static Map<String, String> environment(Path dockerConfig, String choice) {
        Map<String, String> environment = new HashMap<>();
        environment.put("DOCKER_CONFIG", dockerConfig.toString());
        environment.put("PRODSTACK_COMPOSE", choice);
        environment.put("COMPOSE_PROJECT_NAME", "prodstack-acc-choice");
        return environment;
    }

    private static Command.Result stack(Map<String, String> environment, String... arguments) {
        return StackScript.command(environment, List.of(arguments))
                .timeout(Duration.ofMinutes(2))
                .run();
    }

    /** A PATH holding every program of this one except the named ones (symbolic links in one directory). */
    private static Path pathWithout(String... excluded) throws IOException {
        Path farm = Files.createDirectories(work.resolve("path-without-compose"));
        List<String> skip = List.of(excluded);
        for (String directory : System.getenv("PATH").split(File.pathSeparator)) {
            Path dir = Path.of(directory);
            if (directory.isEmpty() || !Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(dir)) {
                for (Path program : (Iterable<Path>) programs::iterator) {
                    Path link = farm.resolve(program.getFileName().toString());
                    if (!skip.contains(program.getFileName().toString())
                            && Files.isExecutable(program)
                            && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, program.toAbsolutePath());
                    }
                }
            }
        }
        return farm;
    }
}
