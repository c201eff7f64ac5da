package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.RawHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plain HTTP: a permanent redirect to HTTPS for everything but the container healthcheck. */
class HttpsRedirectIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @Test
    void redirectsToHttpsKeepingPathAndQuery() throws Exception {
        HttpResponse<String> response = PROXY.client()
                .send(
                        HttpRequest.newBuilder(PROXY.http("/users?limit=5&after=7"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("Location")).hasValue("https://localhost/users?limit=5&after=7");
        assertSecurityHeaders(response);
    }

    @Test
    void redirectTargetsTheStandardHttpsPortWhateverPortTheClientUsed() {
        RawHttp.Response response = RawHttp.plain(
                PROXY.mappedPort(EdgeProxy.HTTP_PORT),
                "POST /users HTTP/1.1\r\nHost: shop.example.test:8080\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(301);
        assertThat(response.header("Location")).isEqualTo("https://shop.example.test/users");
    }

    @Test
    void plainHttpSentToTheTlsPortIsRedirectedToo() {
        RawHttp.Response response = RawHttp.plain(
                PROXY.mappedPort(EdgeProxy.HTTPS_PORT),
                "GET /users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(301);
        assertThat(response.header("Location")).isEqualTo("https://localhost/users");
    }

    @Test
    void healthcheckAnswersOnPlainHttpWithoutRedirectOrLogLine() throws Exception {
        HttpResponse<String> response = PROXY.client()
                .send(
                        HttpRequest.newBuilder(PROXY.http("/nginx-health")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(response.body()).isEqualTo("healthy\n");
        assertSecurityHeaders(response);
        assertThat(PROXY.accessLog()).as("healthchecks are not logged").doesNotContain("/nginx-health");
    }
}
