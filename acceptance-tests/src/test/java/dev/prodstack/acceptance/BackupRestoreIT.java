package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.acceptance.support.Json;
import dev.prodstack.testsupport.Command;
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
 * Disaster recovery with the operator scripts at scale: 10,000 more users, scripts/backup-db.sh
 * taken while a client keeps writing, the database volume lost (db recreated on an empty volume,
 * schema migrated), scripts/restore-db.sh --yes-i-am-sure. Verified row by row: the restore is
 * exactly the source up to the dump's snapshot (every row identical, none missing below it, count
 * and checksum equal), holds every row written before the backup began, and the api serves it
 * without a restart: a user written after the snapshot and cached before the loss is gone (404),
 * not served stale from Redis.
 */
@Order(230)
class BackupRestoreIT extends AbstractAcceptanceTest {

    private static final int USERS = 10_000;
    /** Writes the concurrent client makes after the backup has returned: surely not in the dump. */
    private static final int WRITES_AFTER_BACKUP = 5;

    /** Every user as the API lists them, id -> its fields joined, in id order. */
    record Snapshot(java.util.SortedMap<Long, String> rows) {

        int count() {
            return rows.size();
        }

        /** SHA-256 over the rows with id <= upTo, in id order. */
        String sha256(long upTo) throws Exception {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String row : rows.headMap(upTo + 1).values()) {
                digest.update((row + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        long maxId() {
            return rows.isEmpty() ? 0 : rows.lastKey();
        }
    }

    @AfterAll
    static void restore() {
        stack.restoreHealthy();
        stack.awaitEdgeFollowsTheApi();
    }

    @Test
    void backup_under_writes_then_volume_loss_then_restore_gives_back_the_snapshot_row_by_row() throws Exception {
        createUsersInTheDatabase(USERS);
        Snapshot beforeBackup = snapshot();
        assertThat(beforeBackup.count()).isGreaterThanOrEqualTo(USERS);
        List<String> apiContainers = stack.containerIds("api");

        Path backups = stack.workDirectory().resolve("backups");
        Command.Result backup;
        List<Long> written;
        try (ConcurrentWriter writer = ConcurrentWriter.start()) {
            backup = stack.script("scripts/backup-db.sh", "--dir", backups.toString())
                    .timeout(Duration.ofMinutes(3))
                    .run();
            written = writer.stopAfter(WRITES_AFTER_BACKUP);
        }
        assertThat(backup.exitCode()).as("backup-db.sh:\n%s", backup.describe()).isZero();
        Path dump = Path.of(backup.lines().get(backup.lines().size() - 1));
        assertThat(dump).as("the dump named on stdout").exists();
        assertThat(Path.of(dump + ".sha256")).as("its checksum file").exists();
        System.out.printf(
                "BackupRestoreIT: backup %s (%d bytes) while a client wrote %d users%n",
                dump, Files.size(dump), written.size());
        assertThat(written)
                .as("users written from before the backup began until after it returned")
                .hasSizeGreaterThan(WRITES_AFTER_BACKUP);

        Snapshot source = snapshot();
        long lastWritten = written.get(written.size() - 1);
        assertThat(edge().get("/users/" + lastWritten).statusCode())
                .as("the last write, now cached")
                .isEqualTo(200);
        assertThat(edge().get("/users/" + lastWritten).header("X-Cache")).isEqualTo("HIT");

        loseTheDatabaseVolume();
        await("the api sees the empty, migrated database")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(snapshot().count()).isZero());

        Command.Result restore = stack.script("scripts/restore-db.sh", dump.toString(), "--yes-i-am-sure")
                .timeout(Duration.ofMinutes(5))
                .run();
        assertThat(restore.exitCode())
                .as("restore-db.sh:\n%s", restore.describe())
                .isZero();

        Snapshot restored = snapshot();
        long cut = restored.maxId();
        System.out.printf(
                "BackupRestoreIT: source %d users (max id %d), restored %d (max id %d); sha256 up to %d: source %s,"
                        + " restored %s%n",
                source.count(), source.maxId(), restored.count(), cut, cut, source.sha256(cut), restored.sha256(cut));
        assertThat(restored.rows())
                .as("every restored row, identical to its source row")
                .containsAllEntriesOf(source.rows().headMap(cut + 1))
                .hasSize(source.rows().headMap(cut + 1).size());
        assertThat(restored.sha256(cut)).as("checksum up to the snapshot").isEqualTo(source.sha256(cut));
        assertThat(restored.rows().keySet())
                .as("every row written before the backup began")
                .containsAll(beforeBackup.rows().keySet());
        assertThat(cut)
                .as("the writes made after the backup returned are not in it")
                .isLessThan(lastWritten);

        assertThat(stack.containerIds("api")).as("the api was not restarted").isEqualTo(apiContainers);
        assertThat(edge().get("/users/" + beforeBackup.maxId()).statusCode())
                .as("a restored user through nginx")
                .isEqualTo(200);
        assertThat(edge().get("/users/" + lastWritten).statusCode())
                .as("a user cached before the loss but not in the backup: gone, not served from the cache")
                .isEqualTo(404);
        Response created = edge().contentType("application/json")
                .body(newUserBody("afterrestore"))
                .post("/users");
        assertThat(created.statusCode())
                .as("writes after the restore (identity sequence restored too): %s", created.asString())
                .isEqualTo(200);
    }

    /** One client creating users one after another on the api port until told to stop. */
    private static final class ConcurrentWriter implements AutoCloseable {

        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final List<Long> ids = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private final AtomicInteger failures = new AtomicInteger();
        private volatile int stopAt = Integer.MAX_VALUE;
        private Future<?> loop;

        /**
         * Returns once its first write has landed: a client's first request (connection, TLS-free warm-up of
         * RestAssured) can take longer than a dump of 10,000 rows, and then nothing would be written meanwhile.
         */
        static ConcurrentWriter start() {
            ConcurrentWriter writer = new ConcurrentWriter();
            writer.loop = writer.thread.submit(writer::write);
            await("the concurrent client's first write")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !writer.ids.isEmpty() || writer.loop.isDone());
            return writer;
        }

        private void write() {
            while (ids.size() < stopAt && !Thread.currentThread().isInterrupted()) {
                Response response = given().spec(stack.apiDebugSpec())
                        .contentType("application/json")
                        .body(newUserBody("duringbackup"))
                        .post("/users");
                if (response.statusCode() == 200) {
                    ids.add(response.jsonPath().getLong("id"));
                } else {
                    failures.incrementAndGet();
                }
            }
        }

        /** Lets it make {@code more} writes beyond those done so far, then returns every id it wrote, in order. */
        List<Long> stopAfter(int more) throws Exception {
            stopAt = ids.size() + more;
            loop.get(2, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(failures.get())
                    .as("failed writes of the concurrent client")
                    .isZero();
            return List.copyOf(ids);
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    /**
     * The bulk of the data, inserted by Postgres itself: through the api (1 CPU) 10,000 users take
     * minutes on a loaded 2-core host. The api's own write path is what the concurrent writer uses.
     */
    private static void createUsersInTheDatabase(int count) {
        long started = System.nanoTime();
        String prefix = unique("bulk");
        Command.of(
                        "docker",
                        "exec",
                        stack.containerId("db"),
                        "psql",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-U",
                        "prodstack",
                        "-d",
                        "prodstack",
                        "-c",
                        "INSERT INTO users (username, email) SELECT '" + prefix + "_' || n, '" + prefix
                                + "_' || n || '@example.com' FROM generate_series(1, " + count + ") AS n")
                .timeout(Duration.ofMinutes(2))
                .check();
        System.out.printf(
                "BackupRestoreIT: %d users inserted in %d ms%n", count, (System.nanoTime() - started) / 1_000_000);
    }

    /** Every user as the API lists them (keyset pages of 500), by id. */
    private static Snapshot snapshot() throws Exception {
        java.util.SortedMap<Long, String> rows = new java.util.TreeMap<>();
        long after = 0;
        while (true) {
            Response page = given().spec(stack.apiDebugSpec())
                    .queryParam("limit", 500)
                    .queryParam("after", after)
                    .get("/users");
            assertThat(page.statusCode())
                    .as("GET /users: %s", Json.abbreviate(page.asString()))
                    .isEqualTo(200);
            JsonNode users = Json.parse(page.asString());
            if (users.isEmpty()) {
                return new Snapshot(rows);
            }
            for (JsonNode user : users) {
                after = user.path("id").asLong();
                rows.put(
                        after,
                        user.path("id").asText() + "|" + user.path("username").asText() + "|"
                                + user.path("email").asText() + "|"
                                + user.path("created_at").asText() + "|"
                                + user.path("updated_at").asText());
            }
        }
    }

    /** The worst case short of losing the host: the db container and its volume gone, recreated empty. */
    private static void loseTheDatabaseVolume() {
        InspectContainerResponse inspection = Docker.inspect(stack.containerId("db"));
        String volume = inspection.getMounts().stream()
                .filter(mount ->
                        "/var/lib/postgresql/data".equals(mount.getDestination().getPath()))
                .map(InspectContainerResponse.Mount::getName)
                .findFirst()
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
        stack.compose()
                .command(rm.toArray(String[]::new))
                .timeout(Duration.ofMinutes(2))
                .check();
        Command.of("docker", "volume", "rm", volume)
                .timeout(Duration.ofSeconds(60))
                .check();
        List<String> up = new java.util.ArrayList<>(List.of("up", "-d", "--no-deps", "--no-build"));
        up.addAll(users);
        stack.compose()
                .command(up.toArray(String[]::new))
                .timeout(Duration.ofMinutes(2))
                .check();
        String db = stack.containerId("db");
        await("the new database ready")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> "healthy".equals(AcceptanceStack.healthState(db)));

        // The one-shot migrate job applies the schema to the new, empty database and makes the api's role,
        // which the new cluster does not have: the api is unhealthy until then.
        String migrate = stack.containerId("migrate");
        Command.of("docker", "start", "--attach", migrate)
                .timeout(Duration.ofMinutes(3))
                .check();
        assertThat(AcceptanceStack.healthState(migrate))
                .as("migrate after the volume loss")
                .isEqualTo("exited(0)");
        stack.waitHealthy(Duration.ofMinutes(2));
    }
}
