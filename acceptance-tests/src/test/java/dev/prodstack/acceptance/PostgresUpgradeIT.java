package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.acceptance.support.ScratchRepo;
import dev.prodstack.acceptance.support.StackEnvironment;
import dev.prodstack.acceptance.support.StackScript;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/upgrade-db.sh on a stack whose database volume was made by PostgreSQL 15 (the image of the set before
 * Debian 13, rebuilt here from the same recipe on Debian 12), with 10,000 users: an upgrade stopped half way
 * (SIGKILL during its restore) leaves the PostgreSQL 15 volume as it was and the stack starts on it again; the
 * upgrade run to its end gives PostgreSQL 17 with the same count, the same SHA-256 of every row and a sequence
 * that continues, the api answering through nginx. A stack of its own (project, ports, volumes), removed after.
 */
@Order(235)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresUpgradeIT {

    private static final String OLD_IMAGE = "prodstack-test/postgres:15";
    private static final int USERS = 10_000;

    @TempDir
    static Path work;

    private static Map<String, String> environment;
    private static String fingerprint;

    @BeforeAll
    static void aStackOnPostgres15With10000Users() throws IOException {
        buildPostgres15();
        environment = StackEnvironment.scratch("prodstack-acc-upgrade-", work);
        up(OLD_IMAGE);
        sql("INSERT INTO users (username, email) SELECT 'upgrade_' || n, 'upgrade_' || n || '@example.com'"
                + " FROM generate_series(1, " + USERS + ") AS n");
        fingerprint = sql(FINGERPRINT);
        assertThat(fingerprint).as("the users before any upgrade").startsWith(USERS + " ");
        assertThat(sql("SHOW server_version_num")).startsWith("15");
    }

    @AfterAll
    static void removeTheStack() {
        if (environment != null) {
            stack("down", "--volumes").timeout(Duration.ofMinutes(3)).run();
            Command.of(
                            "sh",
                            "-c",
                            "docker volume ls -q --filter label=com.docker.compose.project="
                                    + environment.get("COMPOSE_PROJECT_NAME") + " | xargs -r docker volume rm")
                    .run();
        }
    }

    @Test
    @Order(1)
    void anUpgradeStoppedHalfWayLeavesThePostgres15VolumeAsItWas() throws Exception {
        // setsid: the upgrade leads a process group of its own, so one signal ends all of it.
        List<String> line = new java.util.ArrayList<>(List.of("setsid"));
        line.addAll(upgradeCommand().arguments());
        Process upgrade = Command.of(line)
                .env(environment)
                .env("NO_COLOR", "1")
                .in(Repo.root())
                .spawn(work.resolve("interrupted.log"));
        try {
            long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!Files.readString(work.resolve("interrupted.log")).contains("restoring into a new PostgreSQL")) {
                assertThat(upgrade.isAlive())
                        .as("the upgrade ran to the restore:\n%s", Files.readString(work.resolve("interrupted.log")))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("the upgrade reached its restore")
                        .isLessThan(until);
                Thread.sleep(100);
            }
        } finally {
            // The whole process group, as a killed shell would leave it.
            Command.of("kill", "-KILL", "--", "-" + upgrade.pid()).run();
            upgrade.destroyForcibly().waitFor();
        }
        up(OLD_IMAGE);
        assertThat(sql("SHOW server_version_num")).startsWith("15");
        assertThat(sql(FINGERPRINT))
                .as("users, rows and sequence after the interruption")
                .isEqualTo(fingerprint);
    }

    @Test
    @Order(2)
    void theUpgradeGivesPostgres17WithTheSameRowsAndASequenceThatContinues() throws Exception {
        Command.Result upgrade =
                upgradeCommand().timeout(Duration.ofMinutes(15)).run();
        assertThat(upgrade.exitCode()).as(upgrade.describe()).isZero();
        System.out.println("PostgresUpgradeIT: "
                + upgrade.stderr()
                        .lines()
                        .filter(line -> line.contains("upgraded to PostgreSQL"))
                        .findFirst()
                        .orElse(""));
        assertThat(sql("SHOW server_version_num")).startsWith("17");
        assertThat(sql(FINGERPRINT))
                .as("users, rows and sequence on PostgreSQL 17")
                .isEqualTo(fingerprint);

        long lastId = Long.parseLong(sql("SELECT max(id) FROM users"));
        String created = Command.of(
                        "curl",
                        "-fsS",
                        "--cacert",
                        work.resolve("tls/ca.crt").toString(),
                        "-H",
                        "Content-Type: application/json",
                        "-d",
                        "{\"username\":\"after_upgrade\",\"email\":\"after_upgrade@example.com\"}",
                        "https://localhost:" + environment.get("HTTPS_PORT") + "/users")
                .timeout(Duration.ofMinutes(1))
                .check()
                .stdout();
        assertThat(dev.prodstack.acceptance.support.Json.parse(created)
                        .path("id")
                        .asLong())
                .as("the id sequence continues after the upgrade")
                .isGreaterThan(lastId);
    }

    private static final String FINGERPRINT = "SELECT count(*) || ' ' || encode(sha256(string_agg(u::text, E'\\n'"
            + " ORDER BY id)::bytea), 'hex') || ' ' || (SELECT last_value FROM pg_sequences WHERE sequencename ="
            + " 'users_id_seq') FROM users u";

    private static Command upgradeCommand() {
        return Command.of("bash", Repo.path("scripts/upgrade-db.sh").toString(), "--offline")
                .env(environment)
                .env("NO_COLOR", "1")
                .in(Repo.root());
    }

    private static void up(String postgresImage) {
        Command.Result up = stack("up", "--offline", "--timeout", "300")
                .env("POSTGRES_IMAGE", postgresImage)
                .timeout(Duration.ofMinutes(20))
                .run();
        assertThat(up.exitCode()).as(up.describe()).isZero();
    }

    private static Command stack(String... arguments) {
        return StackScript.command(environment, List.of(arguments));
    }

    private static String sql(String query) {
        return stack(
                        "compose",
                        "--",
                        "exec",
                        "-T",
                        "db",
                        "psql",
                        "-X",
                        "-q",
                        "-A",
                        "-t",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-U",
                        "prodstack",
                        "-d",
                        "prodstack",
                        "-c",
                        query)
                .timeout(Duration.ofMinutes(2))
                .check()
                .stdout()
                .strip();
    }

    /**
     * PostgreSQL 15 from the offline set's own postgres recipe on a Debian 12 base, in a scratch copy of the build
     * scripts whose recipe asks for postgresql-15 (Debian 13 has no PostgreSQL 15); cached by content like any
     * offline image, so a second run takes seconds.
     */
    private static void buildPostgres15() throws IOException {
        Path scratch = ScratchRepo.copy(work);
        Path images = scratch.resolve("deployment/images");
        Path recipe = images.resolve("postgres/Dockerfile");
        Files.writeString(
                recipe,
                Files.readString(recipe)
                        .replace("postgresql-17 postgresql-client-17", "postgresql-15 postgresql-client-15"));
        Path offline = images.resolve("offline.env");
        Files.writeString(
                offline,
                Files.readString(offline).replaceAll("(?m)^POSTGRES_IMAGE=.*$", "POSTGRES_IMAGE=" + OLD_IMAGE));
        // The lock is Debian 13's: for Debian 12 there is no floor to keep.
        Files.writeString(images.resolve("versions.lock"), "");
        Command.Result build = Command.of(
                        "bash", scratch.resolve("scripts/build-images.sh").toString(), "--only", "postgres")
                .env("DEBIAN_RELEASE", "bookworm")
                .env("NO_COLOR", "1")
                .in(scratch)
                .timeout(Duration.ofMinutes(20))
                .run();
        assertThat(build.exitCode()).as(build.describe()).isZero();
    }
}
