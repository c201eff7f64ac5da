package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static dev.prodstack.security.support.EdgeAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.DevCertificates;
import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.RawHttp;
import dev.prodstack.testsupport.Command;
import dev.prodstack.testsupport.HostProgram;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Request bodies are capped at 64 KiB: bigger ones get a JSON 413 and never reach the api. */
class RequestBodyLimitIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    private static final int TOO_LARGE = 100 * 1024;

    @Test
    void bodyOf100KibIsRefusedOverHttp11() throws Exception {
        HttpResponse<String> response = post(HttpClient.Version.HTTP_1_1, TOO_LARGE);

        assertJsonError(response, 413, "request body too large");
        assertSecurityHeaders(response);
        assertThat(response.headers().firstValue("X-Echo-Port"))
                .as("the api never sees it")
                .isEmpty();
    }

    /**
     * Over HTTP/2 nginx sends the whole 413 and then a graceful GOAWAY, which Java 17's client
     * reports as a failure of the request it had already received, so curl speaks for it here.
     */
    @Test
    void bodyOf100KibIsRefusedOverHttp2(@TempDir Path scratch) throws Exception {
        Path body = Files.writeString(scratch.resolve("body.json"), json(TOO_LARGE));
        Command.Result curl = Command.program(
                        HostProgram.of("curl", "curl"),
                        "-sS",
                        "--http2",
                        "-D",
                        "-",
                        "--cacert",
                        DevCertificates.directory().resolve("ca.crt").toString(),
                        "-H",
                        "Content-Type: application/json",
                        "--data-binary",
                        "@" + body,
                        PROXY.https("/users").toString())
                .timeout(Duration.ofSeconds(30))
                .check();
        String output = curl.stdout();

        RawHttp.Response response = RawHttp.parse(output);
        assertThat(output).startsWith("HTTP/2 ");
        assertJsonError(response, 413, "request body too large");
        assertSecurityHeaders(response);
        assertThat(response.header("X-Echo-Port")).isNull();
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void bodyUnderTheLimitIsProxied(HttpClient.Version version) throws Exception {
        HttpResponse<String> response = post(version, 60 * 1024);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Echo-Port")).hasValue("8000");
    }

    private static HttpResponse<String> post(HttpClient.Version version, int bytes) throws Exception {
        return PROXY.client()
                .send(
                        HttpRequest.newBuilder(PROXY.https("/users"))
                                .version(version)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json(bytes)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON document of exactly {@code bytes} bytes. */
    private static String json(int bytes) {
        return "{\"padding\":\"" + "x".repeat(bytes - 14) + "\"}";
    }
}
