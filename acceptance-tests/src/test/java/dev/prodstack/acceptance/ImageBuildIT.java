package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.acceptance.support.ScratchRepo;
import dev.prodstack.acceptance.support.StackEnvironment;
import dev.prodstack.acceptance.support.StackScript;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline build when the Debian mirror has moved on from versions.lock, without waiting for Debian: in a
 * scratch copy of the build scripts, a locked version older than the mirror's builds the newest and prints the
 * drift; one newer than anything served (a rollback), a corrupt lock line, a package that is not published and
 * a mirror that does not answer each stop the build with one error line naming the cause, before any image is
 * tagged; and a cached image lacking a published version is rebuilt by {@code stack.sh up} before it starts.
 * Runs first, before the suite's stack exists.
 */
@Order(1)
class ImageBuildIT {

    /** Older than any Debian version with an epoch (redis-server has epoch 5), newer than any. */
    private static final String OLDER = "0.1-1";

    private static final String NEWER = "99:1.0-1";
    private static final String PACKAGE = "redis-server";

    @TempDir
    static Path work;

    @Test
    void aLockOlderThanTheMirrorBuildsTheNewestVersionAndPrintsTheDrift() throws IOException {
        Path scratch = scratch();
        lockEntry(scratch, "redis " + PACKAGE + " " + OLDER);
        Command.Result build = build(scratch, Map.of(), "--only", "redis");
        assertThat(build.exitCode()).as(build.describe()).isZero();
        String built = drift(build).orElseThrow(() -> new AssertionError("no drift line:\n" + build.describe()));
        assertThat(installed(redisImage())).as("what the image holds").isEqualTo(built);
        assertThat(Files.readString(scratch.resolve("deployment/images/versions.built")))
                .as("the record of what the images hold")
                .contains("redis " + PACKAGE + " " + built + "\n");
    }

    @Test
    void aLockNewerThanTheMirrorFailsNamingImagePackageAndBothVersions() throws IOException {
        Path scratch = scratch();
        lockEntry(scratch, "redis " + PACKAGE + " " + NEWER);
        assertFailsChangingNothing(
                scratch,
                Map.of(),
                "rollback",
                "redis " + PACKAGE,
                "versions.lock has " + NEWER,
                "the mirror serves only");
    }

    @Test
    void aCorruptLockLineFailsNamingTheLine() throws IOException {
        Path scratch = scratch();
        Path lock = scratch.resolve("deployment/images/versions.lock");
        Files.writeString(
                lock, "redis " + PACKAGE + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        long line = Files.readAllLines(lock).size();
        assertFailsChangingNothing(scratch, Map.of(), "versions.lock line " + line, "redis " + PACKAGE);
    }

    @Test
    void aPackageThatIsNotPublishedFailsNamingImageAndPackage() throws IOException {
        Path scratch = scratch();
        Path dockerfile = scratch.resolve("deployment/images/redis/Dockerfile");
        String recipe = Files.readString(dockerfile);
        assertThat(recipe).contains("ARG PACKAGES=\"" + PACKAGE + " ");
        Files.writeString(
                dockerfile,
                recipe.replace("ARG PACKAGES=\"" + PACKAGE + " ", "ARG PACKAGES=\"" + PACKAGE + " no-such-package "));
        assertFailsChangingNothing(scratch, Map.of(), "redis", "Unable to locate package no-such-package");
    }

    @Test
    void aMirrorThatDoesNotAnswerFailsNamingIt() throws IOException {
        // Port 9 of the loopback: nothing listens, the connection is refused at once.
        Map<String, String> unreachable = Map.of(
                "DEBIAN_MIRROR",
                "http://127.0.0.1:9/debian",
                "DEBIAN_SECURITY_MIRROR",
                "http://127.0.0.1:9/debian-security");
        assertFailsChangingNothing(scratch(), unreachable, "no answer from the Debian mirror", "127.0.0.1:9");
    }

    @Test
    void aCachedImageLackingAPublishedFixIsRebuiltByStackUpBeforeItStarts() throws IOException {
        Command.Result current = build(scratch(), Map.of(), "--only", "redis");
        assertThat(current.exitCode()).as(current.describe()).isZero();
        String published = installed(redisImage());
        // What a machine that kept an image from before Debian's fix holds: the same image, its dpkg
        // database saying the older version (the labels, its build hash among them, unchanged).
        Path context = Files.createDirectories(work.resolve("stale"));
        Files.writeString(
                context.resolve("Dockerfile"),
                "FROM " + redisImage() + "\nUSER 0\n"
                        + "RUN sed -i '/^Package: " + PACKAGE + "$/,/^$/ s/^Version: .*/Version: " + OLDER
                        + "/' /var/lib/dpkg/status\nUSER 999:999\n");
        Command.of("docker", "build", "-q", "-t", redisImage(), context.toString())
                .timeout(Duration.ofMinutes(2))
                .check();
        assertThat(installed(redisImage())).isEqualTo(OLDER);

        Map<String, String> environment = StackEnvironment.scratch("prodstack-acc-stale-", work);
        String project = environment.get("COMPOSE_PROJECT_NAME");
        try {
            Command.Result up = StackScript.command(environment, List.of("up", "--offline", "--timeout", "300"))
                    .timeout(Duration.ofMinutes(20))
                    .run();
            assertThat(up.exitCode()).as(up.describe()).isZero();
            assertThat(up.stderr())
                    .as(up.describe())
                    .containsPattern(
                            Pattern.quote(redisImage()) + " \\.\\.\\. built in \\d+s \\(was behind the mirror: "
                                    + PACKAGE + " " + Pattern.quote(OLDER) + " -> " + Pattern.quote(published));
            String cache = Command.of(
                            "docker",
                            "ps",
                            "-q",
                            "--filter",
                            "label=com.docker.compose.project=" + project,
                            "--filter",
                            "label=com.docker.compose.service=cache")
                    .check()
                    .stdout()
                    .strip();
            assertThat(Command.of("docker", "exec", cache, "dpkg-query", "-W", "-f", "${Version}", PACKAGE)
                            .check()
                            .stdout())
                    .as("the Redis the stack started")
                    .isEqualTo(published);
        } finally {
            StackScript.command(environment, List.of("down", "--volumes"))
                    .timeout(Duration.ofMinutes(3))
                    .run();
        }
    }

    /** The build exits 1 with one error line naming the cause; no image is built or tagged, no container changed. */
    private static void assertFailsChangingNothing(Path scratch, Map<String, String> environment, String... cause) {
        String before = dockerState();
        Command.Result build = build(scratch, environment, "--only", "redis");
        assertThat(build.exitCode()).as(build.describe()).isEqualTo(1);
        assertThat(errorLine(build)).contains(cause);
        assertThat(dockerState())
                .as("images and containers after the failed build")
                .isEqualTo(before);
    }

    private static String errorLine(Command.Result build) {
        List<String> errors =
                build.stderr().lines().filter(line -> line.startsWith("error ")).toList();
        assertThat(errors).as(build.describe()).hasSize(1);
        return errors.get(0);
    }

    /** "redis redis-server: LOCKED -> BUILT": the version built. */
    private static java.util.Optional<String> drift(Command.Result build) {
        Matcher line = Pattern.compile("(?m)^\\s+redis " + PACKAGE + ": " + Pattern.quote(OLDER) + " -> (\\S+)$")
                .matcher(build.stderr());
        return line.find() ? java.util.Optional.of(line.group(1)) : java.util.Optional.empty();
    }

    private static String installed(String image) {
        return Command.of(
                        "docker", "run", "--rm", "--entrypoint", "dpkg-query", image, "-W", "-f", "${Version}", PACKAGE)
                .timeout(Duration.ofMinutes(1))
                .check()
                .stdout();
    }

    private static String redisImage() {
        try {
            return Files.readAllLines(Repo.path("deployment/images/offline.env")).stream()
                    .filter(line -> line.startsWith("REDIS_IMAGE="))
                    .map(line -> line.substring("REDIS_IMAGE=".length()))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every image (tag and id) and every container (id and state). */
    private static String dockerState() {
        List<String> state = new java.util.ArrayList<>(
                Command.of("docker", "images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")
                        .check()
                        .lines());
        state.addAll(Command.of("docker", "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.State}}")
                .check()
                .lines());
        return state.stream().sorted().toList().toString();
    }

    private static void lockEntry(Path scratch, String entry) throws IOException {
        Path lock = scratch.resolve("deployment/images/versions.lock");
        String prefix = entry.substring(0, entry.lastIndexOf(' ') + 1);
        List<String> lines = Files.readAllLines(lock).stream()
                .map(line -> line.startsWith(prefix) ? entry : line)
                .toList();
        assertThat(lines).as("versions.lock has an entry %s", prefix).contains(entry);
        Files.write(lock, lines);
    }

    private static Path scratch() throws IOException {
        return ScratchRepo.copy(work);
    }

    /** build-images.sh of the scratch copy, labelling images as the repository's own build does. */
    private static Command.Result build(Path scratch, Map<String, String> environment, String... arguments) {
        List<String> line = new java.util.ArrayList<>(
                List.of("bash", scratch.resolve("scripts/build-images.sh").toString()));
        line.addAll(List.of(arguments));
        return Command.of(line)
                .env(environment)
                .env("SOURCE", source())
                .env("NO_COLOR", "1")
                .in(scratch)
                .timeout(Duration.ofMinutes(15))
                .run();
    }

    private static String source() {
        Command.Result remote = Command.of("git", "-C", Repo.root().toString(), "config", "--get", "remote.origin.url")
                .run();
        return remote.ok() ? remote.stdout().strip() : "unknown";
    }
}
