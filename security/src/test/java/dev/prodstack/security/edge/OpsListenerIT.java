package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The loopback-only ops listener serves the app's /metrics and nginx's own /nginx-return-200 with the
 * public listener's headers; 443 serves neither.
 */
class OpsListenerIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @Test
    void servesMetricsToOperators() {
        RawHttp.Response response =
                RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.OPS_HTTPS_PORT), "/metrics", "localhost");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Echo-Port"))
                .as("/metrics on the ops listener reaches the api")
                .isNotNull();
        assertSecurityHeaders(response);
        assertThat(response.header("X-Request-ID")).isNotBlank();
    }

    @Test
    void publicListenerStillHidesMetrics() {
        RawHttp.Response response = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), "/metrics", "localhost");

        assertJsonError(response, 404, "not found");
        assertThat(response.header("X-Echo-Port")).isNull();
    }

    @Test
    void dotFilesStayBlockedOnTheOpsListener() {
        RawHttp.Response response =
                RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.OPS_HTTPS_PORT), "/.env", "localhost");

        assertJsonError(response, 404, "not found");
    }

    @Test
    void returns200ItselfForTheBenchmark() {
        RawHttp.Response response =
                RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.OPS_HTTPS_PORT), "/nginx-return-200", "localhost");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}\n");
        assertThat(response.header("X-Echo-Port"))
                .as("answered by nginx, not the api")
                .isNull();
        assertSecurityHeaders(response);
    }

    @Test
    void publicListenerDoesNotServeReturn200() {
        RawHttp.Response response =
                RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), "/nginx-return-200", "localhost");

        assertJsonError(response, 404, "not found");
    }
}
