package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The app's /metrics, dot files and path parameters stay unreachable through the edge, however the path is spelled. */
class BlockedPathsIT {

    // 20 requests with the readiness probe: within one burst, so no 429 can stand in for a 404.
    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/metrics",
                "/metrics/",
                "/metrics?format=json",
                "/metrics/prometheus",
                "/METRICS",
                "/%6Detrics",
                "/metrics;jsessionid=1",
                "/metrics%3Bx",
                "/users/..;/metrics",
                "/a/../metrics",
                "//metrics",
                "/.env",
                "/.git/config"
            })
    void answersNotFoundWithoutAskingTheApi(String target) {
        RawHttp.Response response = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), target, "localhost");

        assertJsonError(response, 404, "not found");
        assertSecurityHeaders(response);
        assertThat(response.header("X-Echo-Port"))
                .as("%s must not reach the api", target)
                .isNull();
    }

    /** The api gives the same 400 for these (PathParametersFilter), so the edge and the api agree. */
    @ParameterizedTest
    @ValueSource(strings = {"/users;x=1", "/users/7;x", "/users/7;", "/users/7%3B", "/users/7%3bdrop=1"})
    void pathParametersAreABadRequestWithoutAskingTheApi(String target) {
        RawHttp.Response response = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), target, "localhost");

        assertJsonError(response, 400, "path parameters are not supported");
        assertSecurityHeaders(response);
        assertThat(response.header("X-Echo-Port"))
                .as("%s must not reach the api", target)
                .isNull();
    }

    @Test
    void writesToMetricsAreRefusedToo() {
        RawHttp.Response response = RawHttp.overTls(
                PROXY.mappedPort(EdgeProxy.HTTPS_PORT),
                "POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                        + "Connection: close\r\n\r\n{}");

        assertJsonError(response, 404, "not found");
        assertThat(response.header("X-Echo-Port")).isNull();
    }
}
