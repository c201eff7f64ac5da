package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.testsupport.Command;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The seed lesson's own checks, byte-identical to the lesson (seed/extract.sh --check), run with
 * Debian's python3-httpx/pytest/pytest-asyncio, curl, jq and bc: against the api's own port 8000
 * (loopback debug port) and nginx's loopback ops listener, where all of them pass, and against the
 * public HTTPS port, where /metrics is deliberately not served, so exactly the seed's /metrics
 * checks fail there.
 */
@Order(110)
class SeedChecksIT extends AbstractAcceptanceTest {

    private static final Path SEED = Repo.path("acceptance-tests/seed");
    private static final String PYTHON =
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    /**
     * test_cache_functionality asserts that one cached read takes at most twice one uncached read,
     * single wall-clock samples of ~10-50 ms on a shared 2-core machine: it is re-run (at most
     * twice, reported) when it is the only failure, and must then pass.
     */
    private static final String TIMING_TEST = "test_cache_functionality";

    private static final Pattern FAILED = Pattern.compile("FAILED \\S*::(test_\\w+)");

    /** The seed's cached-vs-uncached timing check needs warm code paths, as any deployed service has. */
    @BeforeAll
    static void warmUp() {
        for (int i = 0; i < 25; i++) {
            Response created = given().spec(stack.apiDebugSpec())
                    .contentType("application/json")
                    .body(newUserBody("warmup"))
                    .post("/users");
            long id = created.jsonPath().getLong("id");
            given().spec(stack.apiDebugSpec()).get("/users/" + id);
            given().spec(stack.apiDebugSpec()).get("/users/" + id);
        }
    }

    @BeforeEach
    void removeTheSeedsFixedValidationUser() {
        // validate-deployment.sh always creates username "validation_test": a second run in the same
        // database would get 409. An operator removes it through the API, with the admin token.
        Command.Result lookup = Docker.exec(
                stack.containerId("db"),
                "psql",
                "-U",
                "prodstack",
                "-d",
                "prodstack",
                "-tAc",
                "SELECT id FROM users WHERE username = 'validation_test'");
        assertThat(lookup.exitCode()).as("psql lookup: %s", lookup.stderr()).isZero();
        for (String id : lookup.lines()) {
            assertThat(admin().delete("/users/" + id).statusCode()).isIn(200, 204);
        }
        stack.throttle().rest();
    }

    @Test
    void seed_files_are_the_lessons_own() {
        Path lesson = Repo.root().resolveSibling("shared/seed/000_9d83e5636a3879ad.txt");
        assumeThat(Files.isReadable(lesson))
                .as("the seed lesson beside the repository (%s)", lesson)
                .isTrue();

        Command.Result check = Command.of(
                        "bash", SEED.resolve("extract.sh").toString(), "--check", "--seed", lesson.toString())
                .timeout(Duration.ofSeconds(30))
                .run();

        assertThat(check.exitCode())
                .as("extract.sh --check:\n%s%s", check.stdout(), check.stderr())
                .isZero();
    }

    @Test
    void pytest_suite_passes_against_the_api_port() {
        assertThat(pytestFailures(stack.apiDebugUrl(), Map.of()))
                .as("seed tests failing against the api port")
                .isEmpty();
    }

    @Test
    void validate_deployment_passes_against_the_api_port() {
        Command.Result result = validate(stack.apiDebugUrl(), Map.of());

        assertThat(result.exitCode())
                .as("validate-deployment.sh against the api:\n%s%s", result.stdout(), result.stderr())
                .isZero();
        assertThat(result.stdout()).contains("All validation tests passed");
    }

    @Test
    void pytest_suite_passes_against_the_nginx_ops_listener() {
        String ops = opsListenerUrl();

        assertThat(pytestFailures(ops, Map.of("SSL_CERT_FILE", caFile())))
                .as("seed tests failing on nginx's ops listener")
                .isEmpty();
    }

    @Test
    void validate_deployment_passes_against_the_nginx_ops_listener() {
        String ops = opsListenerUrl();

        Command.Result result = validate(ops, Map.of("CURL_CA_BUNDLE", caFile()));

        assertThat(result.exitCode())
                .as("validate-deployment.sh on nginx's ops listener:\n%s%s", result.stdout(), result.stderr())
                .isZero();
    }

    @Test
    void pytest_suite_through_public_nginx_fails_only_the_private_metrics_check() {
        assertThat(pytestFailures(stack.edgeUrl(), Map.of("SSL_CERT_FILE", caFile())))
                .as("through the public HTTPS port only /metrics (not public by design) fails")
                .containsExactly("test_metrics_endpoint");
    }

    @Test
    void validate_deployment_through_public_nginx_stops_only_at_the_private_metrics_step() {
        Command.Result result = validate(stack.edgeUrl(), Map.of("CURL_CA_BUNDLE", caFile()));

        assertThat(result.stdout())
                .as("validate-deployment.sh through nginx:\n%s", result.stdout())
                .contains("Health check passed")
                .contains("Metrics endpoint failed");
        assertThat(result.exitCode()).isEqualTo(1);
    }

    private static String caFile() {
        return stack.devCa().certificate().toString();
    }

    /** nginx's ops listener (same TLS, plus /metrics); compose publishes it on loopback. */
    private static String opsListenerUrl() {
        return "https://localhost:" + stack.hostPort("proxy", 8444);
    }

    /** Runs the seed's pytest file; returns the names of the failing tests (timing flake re-run, see TIMING_TEST). */
    private static Set<String> pytestFailures(String baseUrl, Map<String, String> environment) {
        Command.Result result = pytest(baseUrl, environment, "tests/test_production.py");
        Set<String> failed = failedTests(result);
        for (int rerun = 1; rerun <= 2 && failed.contains(TIMING_TEST); rerun++) {
            System.out.printf("SeedChecksIT: %s flaked against %s; re-run %d%n", TIMING_TEST, baseUrl, rerun);
            stack.throttle().rest();
            if (failedTests(pytest(
                            baseUrl, environment, "tests/test_production.py::TestProductionDeployment::" + TIMING_TEST))
                    .isEmpty()) {
                failed.remove(TIMING_TEST);
            }
        }
        return failed;
    }

    private static Set<String> failedTests(Command.Result result) {
        Set<String> failed = new TreeSet<>();
        Matcher matcher = FAILED.matcher(result.stdout());
        while (matcher.find()) {
            failed.add(matcher.group(1));
        }
        assertThat(result.exitCode() == 0 || !failed.isEmpty())
                .as("pytest either passed or named its failures:\n%s%s", result.stdout(), result.stderr())
                .isTrue();
        return failed;
    }

    private static Command.Result pytest(String baseUrl, Map<String, String> environment, String selection) {
        Command.Result result = Command.of(PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-v", "-rA", selection)
                .in(SEED)
                .env("SEED_BASE_URL", baseUrl)
                .env("PYTHONDONTWRITEBYTECODE", "1")
                .env(environment)
                .timeout(Duration.ofMinutes(2))
                .run();
        System.out.printf(
                "SeedChecksIT: pytest %s against %s exited %d%n%s%n",
                selection, baseUrl, result.exitCode(), tail(result.stdout()));
        return result;
    }

    private static Command.Result validate(String baseUrl, Map<String, String> environment) {
        Command.Result result = Command.of("bash", "scripts/validate-deployment.sh", baseUrl)
                .in(SEED)
                .env(environment)
                .timeout(Duration.ofMinutes(2))
                .run();
        System.out.printf(
                "SeedChecksIT: validate-deployment.sh %s exited %d%n%s%s%n",
                baseUrl, result.exitCode(), result.stdout(), result.stderr());
        return result;
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 12), lines.length));
    }
}
