package dev.prodstack.security.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.RawHttp;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The api's admin port 8081 is never reached through the edge: not by path, Host header or absolute URI. */
class AdminPortIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @ParameterizedTest
    @ValueSource(strings = {"/healthcheck", "/ping", "/metrics/prometheus", "/tasks/gc"})
    void adminPortPathsNeverReachTheAdminPort(String path) {
        RawHttp.Response byPath = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), path, "localhost");
        RawHttp.Response byHost = RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), path, "api:8081");
        RawHttp.Response byAbsoluteUri =
                RawHttp.getOverTls(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), "http://api:8081" + path, "api:8081");

        for (RawHttp.Response response : List.of(byPath, byHost, byAbsoluteUri)) {
            assertThat(response.body())
                    .as("%s answered by the admin port", path)
                    .doesNotContain("admin-port");
            String answeredBy = response.header("X-Echo-Port") != null
                    ? "api port " + response.header("X-Echo-Port")
                    : "nginx " + response.status();
            assertThat(answeredBy).as("who answered %s", path).isIn("api port 8000", "nginx 404");
        }
    }
}
