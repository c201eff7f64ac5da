package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.Command;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.acceptance.support.Json;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Disaster recovery with the operator scripts: 1,000 more users, scripts/backup-db.sh, the
 * database volume lost (db recreated on an empty volume, schema migrated), scripts/restore-db.sh
 * --yes-i-am-sure, and the same users back: count and checksum over the API identical.
 */
@Order(230)
class BackupRestoreIT extends AbstractAcceptanceTest {

    private static final int USERS = 1_000;

    record Snapshot(int count, String sha256) {
    }

    @AfterAll
    static void restore() {
        stack.restoreHealthy();
        stack.edgeServesOrReload();
    }

    @Test
    void backup_then_volume_loss_then_restore_gives_back_identical_data() throws Exception {
        createUsersThroughTheApi(USERS);
        Snapshot before = snapshot();
        System.out.printf("BackupRestoreIT: before backup %d users, sha256 %s%n", before.count(), before.sha256());
        assertThat(before.count()).isGreaterThanOrEqualTo(USERS);

        Path backups = stack.workDirectory().resolve("backups");
        Command.Result backup = stack.script("scripts/backup-db.sh", "--dir", backups.toString())
                .timeout(Duration.ofMinutes(3)).run();
        assertThat(backup.exitCode()).as("backup-db.sh:\n%s", backup.describe()).isZero();
        Path dump = Path.of(backup.lines().get(backup.lines().size() - 1));
        assertThat(dump).as("the dump named on stdout").exists();
        assertThat(Path.of(dump + ".sha256")).as("its checksum file").exists();
        System.out.printf("BackupRestoreIT: backup %s (%d bytes)%n", dump, Files.size(dump));

        loseTheDatabaseVolume();
        await("the api sees the empty, migrated database").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(snapshot().count()).isZero());

        Command.Result restore = stack.script("scripts/restore-db.sh", dump.toString(), "--yes-i-am-sure")
                .timeout(Duration.ofMinutes(5)).run();
        assertThat(restore.exitCode()).as("restore-db.sh:\n%s", restore.describe()).isZero();

        Snapshot after = snapshot();
        System.out.printf("BackupRestoreIT: after restore %d users, sha256 %s%n", after.count(), after.sha256());
        assertThat(after).as("users after the restore").isEqualTo(before);
        long someId = given().spec(stack.apiDebugSpec()).get("/users?limit=1").jsonPath().getLong("[0].id");
        assertThat(edge().get("/users/" + someId).statusCode()).as("a restored user through nginx").isEqualTo(200);
        Response created = edge().contentType("application/json").body(newUserBody("afterrestore")).post("/users");
        assertThat(created.statusCode()).as("writes after the restore (identity sequence restored too): %s",
                created.asString()).isEqualTo(200);
    }

    private static void createUsersThroughTheApi(int count) throws Exception {
        long started = System.nanoTime();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    int status = given().spec(stack.apiDebugSpec()).contentType("application/json")
                            .body(newUserBody("bulk")).post("/users").statusCode();
                    if (status != 200) {
                        failures.incrementAndGet();
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("BackupRestoreIT: %d users created in %d ms%n", count, (System.nanoTime() - started) / 1_000_000);
        assertThat(failures.get()).as("failed creations").isZero();
    }

    /** Every user as the API lists them (keyset pages of 500), hashed in id order. */
    private static Snapshot snapshot() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        int count = 0;
        long after = 0;
        while (true) {
            Response page = given().spec(stack.apiDebugSpec()).queryParam("limit", 500).queryParam("after", after)
                    .get("/users");
            assertThat(page.statusCode()).as("GET /users: %s", Json.abbreviate(page.asString())).isEqualTo(200);
            JsonNode users = Json.parse(page.asString());
            if (users.isEmpty()) {
                return new Snapshot(count, HexFormat.of().formatHex(digest.digest()));
            }
            for (JsonNode user : users) {
                digest.update((user.path("id").asText() + "|" + user.path("username").asText() + "|"
                        + user.path("email").asText() + "|" + user.path("created_at").asText() + "|"
                        + user.path("updated_at").asText() + "\n").getBytes(StandardCharsets.UTF_8));
                count++;
                after = user.path("id").asLong();
            }
        }
    }

    /** The worst case short of losing the host: the db container and its volume gone, recreated empty. */
    private static void loseTheDatabaseVolume() {
        String db = stack.containerId("db");
        InspectContainerResponse inspection = Docker.inspect(db);
        String volume = inspection.getMounts().stream()
                .filter(mount -> "/var/lib/postgresql/data".equals(mount.getDestination().getPath()))
                .map(InspectContainerResponse.Mount::getName).findFirst()
                .orElseThrow(() -> new AssertionError("db has no volume at /var/lib/postgresql/data"));
        System.out.printf("BackupRestoreIT: removing the db container and its volume %s%n", volume);

        // Every container that mounts the volume (node-exporter reads it for the disk alerts) goes
        // with it: Docker refuses to remove a volume that any container, even a stopped one, uses.
        List<String> users = new java.util.ArrayList<>(List.of("db"));
        if (stack.longRunningServices().contains("node-exporter")) {
            users.add("node-exporter");
        }
        List<String> rm = new java.util.ArrayList<>(List.of("rm", "--stop", "--force"));
        rm.addAll(users);
        stack.compose().command(rm.toArray(String[]::new)).timeout(Duration.ofMinutes(2)).check();
        Command.of("docker", "volume", "rm", volume).timeout(Duration.ofSeconds(60)).check();
        List<String> up = new java.util.ArrayList<>(List.of("up", "-d", "--no-deps", "--no-build"));
        up.addAll(users);
        stack.compose().command(up.toArray(String[]::new)).timeout(Duration.ofMinutes(2)).check();
        stack.waitHealthy(Duration.ofMinutes(2));

        // The one-shot migrate job applies the schema to the new, empty database.
        String migrate = stack.containerId("migrate");
        Command.of("docker", "start", "--attach", migrate).timeout(Duration.ofMinutes(3)).check();
        assertThat(AcceptanceStack.healthState(migrate)).as("migrate after the volume loss").isEqualTo("exited(0)");
    }
}
