package dev.prodstack.service.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.service.ProdstackConfiguration;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing (Jazzer) of the service's input paths: method, path and query, headers (X-Request-ID,
 * traceparent, Authorization, Content-Type, ...) and JSON bodies, sent over HTTP to the whole app in-process against
 * the test Postgres and Redis. Every answer must be below 500, and every error a JSON {code, message, request_id}
 * without a stack trace or class name; an exception in the exchange (a reset, a hang) is a finding too.
 *
 * <p>{@code mvn verify} runs it on the committed seeds and past findings only (regression mode); the service pom's
 * {@code fuzz} execution sets {@code JAZZER_FUZZ=1}, and it fuzzes for {@code maxDuration}. A finding is written by
 * Jazzer into {@code ServiceInputFuzzITInputs/every_request_gets_a_clean_answer/} beside the seeds, where it stays as
 * a regression input.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ServiceInputFuzzIT {
    private static final DropwizardAppExtension<ProdstackConfiguration> APP = TestApps.app();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** A frame of a Java stack trace, or a fully qualified class name of the JDK, a library or ours. */
    private static final Pattern INTERNALS = Pattern.compile("\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|\\.java:\\d+|"
            + "\\b(java|javax|jakarta|sun|org|com|io|redis|dev)\\.[a-z]\\w*(\\.[a-z]\\w*)*\\.[A-Z][\\w$]*");

    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final AtomicLong ERRORS_4XX = new AtomicLong();

    private static long startNanos;

    @BeforeAll
    static void startClock() {
        startNanos = System.nanoTime();
    }

    @AfterAll
    static void report() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(
                "ServiceInputFuzzIT: %d inputs sent in %.1f s (%.0f exec/s), %d answered 4xx%n",
                EXECUTIONS.get(), seconds, EXECUTIONS.get() / seconds, ERRORS_4XX.get());
    }

    @FuzzTest(maxDuration = "60s")
    void every_request_gets_a_clean_answer(byte[] input) throws IOException, InterruptedException {
        // Jazzer's SSRF detector flags every connection made during an execution. The test client, Postgres and
        // Redis are all on loopback: a connection anywhere else would be a finding.
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(ServiceInputFuzzIT::isLoopback)) {
            exchange(input);
        }
    }

    private static boolean isLoopback(String host, int port) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    private static void exchange(byte[] input) throws IOException, InterruptedException {
        FuzzRequest request = FuzzRequest.parse(input, TestServices.ADMIN_TOKEN);
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri("http://127.0.0.1:" + APP.getLocalPort()))
                .timeout(Duration.ofSeconds(10))
                .method(
                        request.method(),
                        request.body().length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (String[] header : request.headers()) {
            builder.header(header[0], header[1]);
        }
        HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        EXECUTIONS.incrementAndGet();

        String what = request.method() + " " + request.target() + " -> " + response.statusCode() + " "
                + abbreviate(response.body());
        assertThat(response.statusCode()).as("no 5xx: %s", what).isLessThan(500);
        assertThat(response.headers().firstValue("X-Request-ID"))
                .as("X-Request-ID on every answer: %s", what)
                .isPresent();
        if (response.statusCode() >= 400) {
            ERRORS_4XX.incrementAndGet();
            assertThat(INTERNALS.matcher(response.body()).find())
                    .as("no stack trace or class name in an error: %s", what)
                    .isFalse();
            // java.net.http reads no body for any spelling of HEAD (so does Jetty's answer to it).
            if (!request.method().equalsIgnoreCase("HEAD")) {
                assertCleanJsonError(response, what);
            }
        }
    }

    private static void assertCleanJsonError(HttpResponse<String> response, String what) throws IOException {
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .as("JSON error: %s", what)
                .startsWith("application/json");
        JsonNode error = MAPPER.readTree(response.body());
        assertThat(error.path("code").asInt()).as("code = status: %s", what).isEqualTo(response.statusCode());
        assertThat(error.path("message").isTextual()).as("message: %s", what).isTrue();
        assertThat(error.path("request_id").asText())
                .as("request_id = X-Request-ID: %s", what)
                .isEqualTo(response.headers().firstValue("X-Request-ID").orElse(null));
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
