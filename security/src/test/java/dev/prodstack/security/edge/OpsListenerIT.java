package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The loopback-only ops listener serves the app's /metrics with the public listener's headers; 443 never does. */
class OpsListenerIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @Test
    void servesMetricsToOperators() {
        RawHttp.Response response = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.OPS_HTTPS_PORT), "/metrics", "localhost");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Echo-Port")).as("/metrics on the ops listener reaches the api").isNotNull();
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
        RawHttp.Response response = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.OPS_HTTPS_PORT), "/.env", "localhost");

        assertJsonError(response, 404, "not found");
    }
}
