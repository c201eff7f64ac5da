package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** X-Request-ID: generated or passed through, sent upstream, returned once, written to the JSON access log. */
class RequestIdIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    private static final String GENERATED = "[0-9a-f]{32}";

    @Test
    void generatesOneWhenTheClientSendsNone() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(PROXY.https("/users")));

        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(requestId).matches(GENERATED);
        assertThat(response.headers().firstValue("X-Echo-Request-Id"))
                .as("what the api received")
                .hasValue(requestId);
        assertThat(response.headers().allValues("X-Request-ID"))
                .as("the api's own copy is dropped")
                .containsExactly(requestId);
    }

    @Test
    void passesAWellFormedClientIdThrough() throws Exception {
        String clientId = "client-42_retry.1:a";

        HttpResponse<String> response =
                send(HttpRequest.newBuilder(PROXY.https("/users")).header("X-Request-ID", clientId));

        assertThat(response.headers().allValues("X-Request-ID")).containsExactly(clientId);
        assertThat(response.headers().firstValue("X-Echo-Request-Id")).hasValue(clientId);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "has spaces",
                "quote\"}",
                "<script>",
                "a/b",
                "x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789x123456789"
                        + "x123456789x123456789x123456789"
            })
    void replacesAMalformedClientId(String malformed) throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(PROXY.https("/users")).header("X-Request-ID", malformed));

        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(requestId).matches(GENERATED);
        assertThat(response.headers().firstValue("X-Echo-Request-Id")).hasValue(requestId);
    }

    @Test
    void nginxErrorBodiesCarryTheClientsId() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(PROXY.https("/metrics")).header("X-Request-ID", "err-77"));

        assertJsonError(response, 404, "not found");
        assertThat(response.headers().allValues("X-Request-ID")).containsExactly("err-77");
    }

    @Test
    void accessLogIsOneJsonObjectPerRequestWithTheId() throws Exception {
        String requestId = "log-check-" + System.nanoTime();
        send(HttpRequest.newBuilder(PROXY.https("/users/7?fields=id"))
                .header("X-Request-ID", requestId)
                .header("User-Agent", "edge-test/1.0"));

        JsonNode line = PROXY.awaitAccessLogLine(requestId);
        assertThat(line.path("method").asText()).isEqualTo("GET");
        assertThat(line.path("uri").asText()).isEqualTo("/users/7?fields=id");
        assertThat(line.path("status").isInt()).as("status is a number").isTrue();
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("upstream_status").asText()).isEqualTo("200");
        assertThat(line.path("upstream_addr").asText()).endsWith(":8000");
        assertThat(line.path("user_agent").asText()).isEqualTo("edge-test/1.0");
        assertThat(line.path("tls").asText()).startsWith("TLSv1.");
        assertThat(line.fieldNames())
                .toIterable()
                .contains("time", "remote_addr", "bytes", "request_time", "upstream_response_time", "protocol");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return PROXY.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
