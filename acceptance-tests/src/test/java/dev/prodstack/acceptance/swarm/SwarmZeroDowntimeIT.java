package dev.prodstack.acceptance.swarm;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.acceptance.swarm.SteadyTraffic.Answer;
import dev.prodstack.testsupport.Command;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Swarm stack under steady traffic through nginx (8 r/s, reads and writes, every answer
 * recorded) while the api is rolled to a new version, rolled to a broken one that Swarm rolls
 * back by itself, loses a replica to SIGKILL and is scaled 2 -> 4 -> 2, and while Redis and then
 * Postgres restart. Nothing here reloads nginx: it follows the tasks by itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmZeroDowntimeIT {

    private static final double RATE = 8.0;
    /** Requests before each event: the "before" p99. */
    private static final long BEFORE_MS = 5_000;
    /** Normal traffic after an event has settled, before the run ends. */
    private static final long TAIL_MS = 5_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SwarmStack STACK = new SwarmStack();
    private static final List<Long> USERS = new ArrayList<>();
    private static final List<ScenarioReport> REPORTS = new ArrayList<>();
    private static String currentVersion;
    private static long suiteStarted;

    @BeforeAll
    static void deployAndSeed() {
        suiteStarted = System.nanoTime();
        STACK.deploy();
        currentVersion = System.getProperty("acceptance.version", "1.0.0");
        for (int i = 0; i < 5; i++) {
            String username = "sw_seed_" + STACK.name() + "_" + i;
            Response created = edge().contentType("application/json")
                    .body(Map.of("username", username, "email", username + "@example.com"))
                    .post("/users");
            assertThat(created.statusCode())
                    .as("seeding: %s", created.asString())
                    .isEqualTo(200);
            USERS.add(created.jsonPath().getLong("id"));
            // Warm the cache: the traffic's reads are cached reads.
            edge().get("/users/" + USERS.get(i));
        }
    }

    @AfterAll
    static void removeEverything() {
        try {
            REPORTS.forEach(report -> System.out.println(report.summary()));
        } finally {
            STACK.tearDown();
            List<String> left = STACK.leftovers();
            System.out.printf(
                    "SWARM suite: %d scenarios in %d s; left behind: %s%n",
                    REPORTS.size(),
                    (System.nanoTime() - suiteStarted) / 1_000_000_000,
                    left.isEmpty() ? "nothing" : left);
            assertThat(left).as("what the run made and did not remove").isEmpty();
        }
    }

    @Test
    @Order(1)
    void rolling_update_to_a_new_version_fails_no_request() {
        String next = STACK.name() + "-v2";
        String image = STACK.tagApiImage(next, "");
        SteadyTraffic traffic = start(3_000);
        long event = waitFor(traffic, BEFORE_MS);
        Command.Result update = STACK.swarmScript("update-api", "--image", image, "--timeout", "400")
                .timeout(Duration.ofMinutes(8))
                .run();
        traffic.endAfter(TAIL_MS);
        ScenarioReport report = report("rolling update", traffic, event, answer -> !answer.ok());

        assertThat(update.ok())
                .as("scripts/swarm.sh update-api: %s", update.describe())
                .isTrue();
        assertThat(STACK.serviceImage("api")).isEqualTo(image);
        // The scenarios after this one start from what runs now, whether or not its answers pass.
        String previous = currentVersion;
        currentVersion = next;
        assertNoFailures(report);
        Set<String> versions = report.answers().stream()
                .map(Answer::version)
                .filter(v -> v != null)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(versions)
                .as("versions that answered GET /")
                .isSubsetOf(previous, next)
                .contains(next);
        long lastOld = report.answers().stream()
                .filter(a -> previous.equals(a.version()))
                .mapToLong(Answer::startedMs)
                .max()
                .orElse(-1);
        long firstNew = report.answers().stream()
                .filter(a -> next.equals(a.version()))
                .mapToLong(Answer::startedMs)
                .min()
                .orElseThrow();
        System.out.printf(
                "SWARM rolling update: first %s answer at +%.1fs, last %s answer at +%.1fs after the start%n",
                next, (firstNew - event) / 1000.0, previous, (lastOld - event) / 1000.0);
    }

    @Test
    @Order(2)
    void update_to_an_image_failing_its_health_check_is_rolled_back_by_swarm() {
        String previousImage = STACK.serviceImage("api");
        String broken = STACK.name() + "-broken";
        // The real entrypoint, pointed at a database that is not there: the app starts and its
        // /health answers 503, so the stack's healthcheck fails (the stack's own check, not the image's).
        String entrypoint = STACK.apiEntrypointJson();
        String image = STACK.tagApiImage(
                broken,
                "ENTRYPOINT [\"/bin/sh\", \"-c\", "
                        + "\"export DATABASE_URL=jdbc:postgresql://127.0.0.1:1/unreachable; exec \\\"$@\\\"\", \"sh\", "
                        + entrypoint.substring(1, entrypoint.length() - 1) + "]");
        SteadyTraffic traffic = start(3_000);
        long event = waitFor(traffic, BEFORE_MS);
        STACK.docker(
                "service",
                "update",
                "--detach",
                "--image",
                image,
                "--env-add",
                "APP_VERSION=" + broken,
                STACK.service("api"));
        awaitTrue(
                "Swarm rolls the api back by itself",
                Duration.ofMinutes(5),
                () -> "rollback_completed".equals(STACK.updateState("api")));
        awaitTrue("the api back at 2/2", Duration.ofMinutes(2), () -> "2/2".equals(STACK.replicas("api")));
        traffic.endAfter(TAIL_MS);
        ScenarioReport report = report("failed update rollback", traffic, event, answer -> !answer.ok());

        assertNoFailures(report);
        assertThat(report.answers().stream()
                        .map(Answer::version)
                        .filter(v -> v != null)
                        .distinct())
                .as("only the old version ever answered")
                .containsOnly(currentVersion);
        assertThat(STACK.serviceImage("api"))
                .as("the service ends on the old image")
                .isEqualTo(previousImage);
    }

    @Test
    @Order(3)
    void sigkill_of_one_replica_fails_no_read_and_half_writes_nothing() {
        List<String> before = STACK.runningContainers("api");
        assertThat(before).hasSize(2);
        SteadyTraffic traffic = start(3_000);
        long event = waitFor(traffic, BEFORE_MS);
        STACK.docker("kill", "--signal", "KILL", before.get(0));
        // Done when a task that was not there before is running and healthy beside the survivor.
        awaitTrue(
                "Swarm replaces the killed task",
                Duration.ofMinutes(3),
                () -> "2/2".equals(STACK.replicas("api"))
                        && STACK.runningContainers("api").stream().anyMatch(id -> !before.contains(id)));
        traffic.endAfter(TAIL_MS);
        // A POST that was in flight on the killed replica may fail, reported as failed; nothing else may.
        ScenarioReport report = report(
                "SIGKILL one replica",
                traffic,
                event,
                answer -> !answer.ok() && !(answer.isWrite() && (answer.status() == 502 || answer.status() == 0)));

        assertNoFailures(report);
        for (Answer write :
                report.answers().stream().filter(a -> a.isWrite() && !a.ok()).toList()) {
            String rows = psql("SELECT count(*) || ':' || count(*) FILTER (WHERE email = '" + write.username()
                    + "@example.com') FROM users WHERE username = '" + write.username() + "'");
            System.out.printf(
                    "SWARM SIGKILL: POST %s failed (%s); rows for it: %s%n",
                    write.username(), write.status() == 0 ? write.error() : write.status(), rows);
            assertThat(rows)
                    .as("a failed write is absent or whole, never partial")
                    .isIn("0:0", "1:1");
        }
    }

    @Test
    @Order(4)
    void scaling_2_to_4_spreads_traffic_within_10_s_and_back_to_2_fails_nothing() throws Exception {
        awaitTrue(
                "2 healthy api tasks to start from",
                Duration.ofMinutes(3),
                () -> "2/2".equals(STACK.replicas("api"))
                        && STACK.runningContainers("api").size() == 2);
        SteadyTraffic traffic = start(4_000);
        long event = waitFor(traffic, BEFORE_MS);
        STACK.docker("service", "scale", "--detach", STACK.service("api") + "=4");
        awaitTrue("4 healthy api tasks", Duration.ofMinutes(4), () -> "4/4".equals(STACK.replicas("api")));
        long fourReady = traffic.nowMs();
        waitFor(traffic, fourReady + 10_000);
        long scaleDown = traffic.nowMs();
        STACK.docker("service", "scale", "--detach", STACK.service("api") + "=2");
        awaitTrue(
                "back to 2 api tasks",
                Duration.ofMinutes(2),
                () -> "2/2".equals(STACK.replicas("api"))
                        && STACK.runningContainers("api").size() == 2);
        traffic.endAfter(TAIL_MS);
        ScenarioReport report = report("scale 2-4-2", traffic, event, answer -> !answer.ok());

        assertNoFailures(report);
        Map<String, String> upstreamById = upstreams();
        Map<String, Long> firstServed = firstServed(report.answers(), upstreamById);
        Set<String> beforeScale = report.answers().stream()
                .filter(a -> a.startedMs() < event)
                .map(a -> upstreamById.get(a.requestId()))
                .filter(u -> u != null)
                .collect(Collectors.toSet());
        assertThat(beforeScale).as("both replicas serve before the scale-up").hasSize(2);
        Map<String, Long> newOnes = new LinkedHashMap<>(firstServed);
        newOnes.keySet().removeAll(beforeScale);
        System.out.printf(
                "SWARM scale: 4/4 healthy at +%.1fs; new replicas first served at %s (s after 4/4)%n",
                (fourReady - event) / 1000.0,
                newOnes.entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey, e -> String.format("%.1f", (e.getValue() - fourReady) / 1000.0))));
        assertThat(newOnes)
                .as("the two new replicas served requests (upstreams before: %s)", beforeScale)
                .hasSize(2);
        assertThat(newOnes.values())
                .as("each new replica served within 10 s of 4/4 healthy")
                .allMatch(first -> first <= fourReady + 10_000);
        assertThat(scaleDown).isGreaterThan(fourReady);
    }

    @Test
    @Order(5)
    void redis_restart_answers_no_5xx() {
        List<String> api = STACK.runningContainers("api");
        SteadyTraffic traffic = start(2_000);
        long event = waitFor(traffic, BEFORE_MS);
        STACK.docker("service", "update", "--detach", "--force", STACK.service("cache"));
        awaitRestarted("cache");
        traffic.endAfter(TAIL_MS);
        ScenarioReport report =
                report("Redis restart", traffic, event, answer -> answer.status() == 0 || answer.status() >= 500);

        assertNoFailures(report);
        assertThat(STACK.runningContainers("api"))
                .as("the api was not restarted")
                .isEqualTo(api);
    }

    @Test
    @Order(6)
    void postgres_restart_answers_503_json_quickly_and_recovers_within_10_s() {
        List<String> api = STACK.runningContainers("api");
        SteadyTraffic traffic = start(2_500);
        long event = waitFor(traffic, BEFORE_MS);
        STACK.docker("service", "update", "--detach", "--force", STACK.service("db"));
        awaitRestarted("db");
        long dbBack = traffic.nowMs();
        waitFor(traffic, dbBack + 10_000);
        traffic.endAfter(TAIL_MS);
        // While Postgres is down: 2xx (cached reads, /) or the api's 503 JSON within 2 s; after it is
        // back (+10 s): 2xx only.
        ScenarioReport report = report(
                "Postgres restart",
                traffic,
                event,
                answer -> !answer.ok()
                        && (answer.status() != 503
                                || !String.valueOf(answer.contentType()).startsWith("application/json")
                                || answer.latencyMs() > 2_000
                                || answer.startedMs() > dbBack + 10_000));

        assertNoFailures(report);
        long unavailable =
                report.answers().stream().filter(a -> a.status() == 503).count();
        System.out.printf(
                "SWARM Postgres restart: %d answers were 503 (max %d ms); database healthy again at +%.1fs%n",
                unavailable,
                report.answers().stream()
                        .filter(a -> a.status() == 503)
                        .mapToLong(Answer::latencyMs)
                        .max()
                        .orElse(0),
                (dbBack - event) / 1000.0);
        assertThat(STACK.runningContainers("api"))
                .as("the api was not restarted")
                .isEqualTo(api);
    }

    // ---------------------------------------------------------------------------------------

    private static SteadyTraffic start(int maxRequests) {
        return SteadyTraffic.start(STACK.edgeUrl(), STACK.devCa().trustStore(), USERS, maxRequests, RATE);
    }

    private static io.restassured.specification.RequestSpecification edge() {
        return given().baseUri(STACK.edgeUrl())
                .config(RestAssuredConfig.config()
                        .sslConfig(
                                SSLConfig.sslConfig().trustStore(STACK.devCa().trustStore())));
    }

    /** Sleeps until the traffic clock reads {@code atMs}; returns that time. */
    private static long waitFor(SteadyTraffic traffic, long atMs) {
        long wait = atMs - traffic.nowMs();
        if (wait > 0) {
            sleep(wait);
        }
        return traffic.nowMs();
    }

    private static ScenarioReport report(
            String scenario, SteadyTraffic traffic, long eventStart, java.util.function.Predicate<Answer> failed) {
        ScenarioReport report = new ScenarioReport(scenario, traffic.finish(), eventStart, failed);
        REPORTS.add(report);
        System.out.println(report.summary());
        return report;
    }

    private static void assertNoFailures(ScenarioReport report) {
        assertThat(report.failures())
                .as("%s: failed answers", report.scenario())
                .isEmpty();
        assertThat(report.answered())
                .as("%s: every request answered", report.scenario())
                .isEqualTo(report.sent());
    }

    /** A stop-first `service update --force`: done, and the service healthy again. */
    private static void awaitRestarted(String service) {
        awaitTrue(
                service + " restarted and healthy",
                Duration.ofMinutes(3),
                () -> "completed".equals(STACK.updateState(service)) && "1/1".equals(STACK.replicas(service)));
    }

    /** When each api task address first served one of the answers. */
    private static Map<String, Long> firstServed(List<Answer> answers, Map<String, String> upstreamById) {
        Map<String, Long> first = new HashMap<>();
        for (Answer answer : answers) {
            String upstream = upstreamById.get(answer.requestId());
            if (upstream != null) {
                first.merge(upstream, answer.startedMs(), Math::min);
            }
        }
        return first;
    }

    /** Request id -> the api task address that answered it, from nginx's JSON access log. */
    private static Map<String, String> upstreams() throws Exception {
        Map<String, String> upstreams = new HashMap<>();
        for (String line : STACK.proxyLogs().split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode entry = JSON.readTree(line);
            String upstream = entry.path("upstream_addr").asText("");
            if (!upstream.isEmpty()) {
                // After a retry nginx lists every address tried; the last one answered.
                String[] tried = upstream.split(",\\s*");
                upstreams.put(entry.path("request_id").asText(), tried[tried.length - 1].strip());
            }
        }
        return upstreams;
    }

    private static String psql(String sql) {
        String db = STACK.runningContainers("db").get(0);
        return Command.of("docker", "exec", db, "psql", "-U", "prodstack", "-d", "prodstack", "-tAc", sql)
                .timeout(Duration.ofSeconds(30))
                .check()
                .stdout()
                .strip();
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            sleep(1_000);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
