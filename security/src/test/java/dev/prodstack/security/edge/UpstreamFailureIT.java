package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** When the api is down nginx answers a JSON 502; when the api answers an error itself, that answer passes untouched. */
class UpstreamFailureIT {

    @Nested
    class ApiDown {

        @RegisterExtension
        static final EdgeProxy PROXY = EdgeProxy.withoutUpstream();

        @Test
        void readIsAJsonBadGateway() throws Exception {
            HttpResponse<String> response = send(PROXY, HttpRequest.newBuilder(PROXY.https("/users/1")));

            assertJsonError(response, 502, "bad gateway");
            assertSecurityHeaders(response);
        }

        @Test
        void writeIsAJsonBadGateway() throws Exception {
            HttpResponse<String> response = send(
                    PROXY,
                    HttpRequest.newBuilder(PROXY.https("/users"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"a\",\"email\":\"a@example.test\"}")));

            assertJsonError(response, 502, "bad gateway");
            String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
            assertThat(PROXY.awaitAccessLogLine(requestId).path("method").asText())
                    .as("the log keeps the client's method")
                    .isEqualTo("POST");
        }

        @Test
        void healthIsAJsonBadGateway() throws Exception {
            assertJsonError(send(PROXY, HttpRequest.newBuilder(PROXY.https("/health"))), 502, "bad gateway");
        }
    }

    @Nested
    class ApiAnswersAnError {

        @RegisterExtension
        static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

        @Test
        void unhealthyReportPassesThrough() throws Exception {
            HttpResponse<String> response = send(PROXY, HttpRequest.newBuilder(PROXY.https("/health")));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).as("the api's body, not nginx's").contains("\"status\":\"unhealthy\"");
            assertSecurityHeaders(response);
        }

        @Test
        void unavailableAfterTheRetryPassesThrough() throws Exception {
            HttpResponse<String> response = send(PROXY, HttpRequest.newBuilder(PROXY.https("/unavailable")));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("\"source\":\"fake-api\"");
            assertSecurityHeaders(response);
        }
    }

    private static HttpResponse<String> send(EdgeProxy proxy, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return proxy.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
