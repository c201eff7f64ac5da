package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.http.JsonRequestLog;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.StdoutCapture;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.DropwizardTestSupport;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What the service writes on stdout from start to stop: JSON lines only, request ids on request lines. */
class JsonLogsIT {
    private static final String REQUEST_ID = "json-logs-it-42";

    @Test
    void stdoutIsJsonLinesCarryingTheRequestId() throws Exception {
        TestServices.migrate();
        final String path = "/users/" + TestServices.neverUsedId();
        // Redis on a closed port: the first cache call logs its outage while serving our request.
        final AtomicBoolean writerRunning = new AtomicBoolean();
        final DropwizardTestSupport<ProdstackConfiguration> app =
                TestApps.support(TestServices.DATABASE_URL, TestServices.CLOSED_REDIS_URL);
        final List<JsonNode> lines = StdoutCapture.linesDuring(() -> {
                    app.before();
                    writerRunning.set(writerThreadAlive());
                    new Http(app.getLocalPort()).get(path, "X-Request-ID", REQUEST_ID, "User-Agent", "json-logs-it");
                    app.after();
                })
                .stream()
                .map(Http::json)
                .toList();
        assertThat(lines)
                .extracting(line -> line.path("message").asText())
                .anyMatch(message -> message.endsWith(" started"))
                .anyMatch(message -> message.contains("shutting down"))
                .anyMatch(message -> message.endsWith(" stopped"));

        final List<JsonNode> requestLines = lines.stream()
                .filter(line -> "app".equals(line.path("log_type").asText()))
                .filter(line -> line.path("threadName").asText().contains("GET " + path)
                        || line.path("thread").asText().contains("GET " + path))
                .toList();
        assertThat(requestLines)
                .as("app lines written while serving the request")
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("request_id").asText()).isEqualTo(REQUEST_ID));
        assertThat(requestLines).anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("WARN");
            assertThat(line.path("message").asText()).startsWith("dependency cache is unavailable");
        });

        final JsonNode access = lines.stream()
                .filter(line -> "access".equals(line.path("log_type").asText()))
                .filter(line -> line.path("uri").asText().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access log line for the request"));
        assertThat(access.path("requestAttributes").path("request_id").asText()).isEqualTo(REQUEST_ID);
        assertThat(access.path("method").asText()).isEqualTo("GET");
        assertThat(access.path("status").asInt()).isEqualTo(404);
        assertThat(access.path("requestTime").isNumber()).isTrue();
        assertThat(access.path("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(access.path("userAgent").asText()).isEqualTo("json-logs-it");
        assertThat(access.path("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(access.path("contentLength").asLong()).isPositive();
        assertThat(access.path("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(access.path("service").asText()).isEqualTo("prodstack-service");
        // Jetty started the request log with the server (its writer thread), and stopped it with it.
        assertThat(writerRunning).isTrue();
        assertThat(writerThreadAlive()).isFalse();
    }

    private static boolean writerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.isAlive() && JsonRequestLog.WRITER_THREAD.equals(thread.getName()));
    }
}
