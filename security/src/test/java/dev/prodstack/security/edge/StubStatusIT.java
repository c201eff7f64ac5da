package dev.prodstack.security.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** stub_status for nginx-exporter lives on the internal port 8082 only, never on the public ones. */
class StubStatusIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @Test
    void internalPortServesStubStatus() throws Exception {
        // From the host, Docker's port forwarder connects from the bridge gateway: a private address.
        HttpResponse<String> response = get(PROXY.status("/stub_status"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Active connections:", "server accepts handled requests");
    }

    @Test
    void internalPortServesNothingElse() throws Exception {
        assertThat(get(PROXY.status("/")).statusCode()).isEqualTo(404);
    }

    @Test
    void publicPortsDoNotExposeIt() throws Exception {
        HttpResponse<String> response = get(PROXY.https("/stub_status"));

        assertThat(response.body()).doesNotContain("Active connections");
        assertThat(response.headers().firstValue("X-Echo-Port"))
                .as("an ordinary api path")
                .hasValue("8000");
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return PROXY.client().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
