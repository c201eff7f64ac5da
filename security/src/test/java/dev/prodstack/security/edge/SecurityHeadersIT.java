package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Security headers on proxied and nginx-made responses, one copy each, and the path-specific CSP of /docs. */
class SecurityHeadersIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @Test
    void proxiedResponseCarriesThemAndHidesTheApisOwn() throws Exception {
        HttpResponse<String> response = get("/users");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Echo-Port"))
                .as("served by the fake api")
                .hasValue("8000");
        // The fake api sends X-Frame-Options: SAMEORIGIN, X-Powered-By and its own X-Request-ID.
        assertSecurityHeaders(response);
    }

    @Test
    void nginxNotFoundCarriesThem() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(404);
        assertSecurityHeaders(response);
    }

    @Test
    void apiErrorCarriesThem() throws Exception {
        HttpResponse<String> response = get("/missing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).as("the api's own error body").contains("\"source\":\"fake-api\"");
        assertSecurityHeaders(response);
    }

    @Test
    void healthEndpointOfNginxCarriesThem() throws Exception {
        HttpResponse<String> response = get("/nginx-health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("healthy\n");
        assertSecurityHeaders(response);
    }

    @Test
    void jsonEndpointsGetACspThatAllowsNothing() throws Exception {
        assertThat(get("/users").headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }

    @Test
    void docsPageMayLoadItsOwnScriptsAndStyles() throws Exception {
        for (String path : new String[] {"/docs", "/docs/swagger-ui/index.css", "/openapi.json"}) {
            HttpResponse<String> response = get(path);

            assertSecurityHeaders(response);
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .as("CSP of %s", path)
                    .get()
                    .asString()
                    .contains("script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
        }
    }

    @Test
    void docsCspDoesNotLeakToLookAlikePaths() throws Exception {
        assertThat(get("/docsx").headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .doesNotContain("script-src");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return PROXY.client()
                .send(HttpRequest.newBuilder(PROXY.https(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
