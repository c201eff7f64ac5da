package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prodstack.testsupport.Command;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge's TLS: HTTP redirects to HTTPS, TLS 1.2 and 1.3 with the dev CA's certificate for
 * localhost, TLS 1.0 and 1.1 refused by nginx (not merely unoffered by the JDK: a local TLS 1.0
 * server proves this client offers them), HTTP/2 by ALPN, and the hybrid post-quantum key exchange
 * X25519MLKEM768 negotiated with an OpenSSL 3.5 client (the edge image's own curl) where the edge's
 * OpenSSL has it.
 */
@Order(50)
class TLSIT extends AbstractAcceptanceTest {

    @Test
    void plain_http_is_redirected_permanently_to_https() {
        Response response = RestAssured.given()
                .spec(stack.edgeHttpSpec())
                .redirects()
                .follow(false)
                .get("/users?limit=1");

        assertThat(response.statusCode()).as("GET http://.../users").isEqualTo(301);
        assertThat(response.getHeader("Location"))
                .as("redirect target (standard port 443, same path and query)")
                .isEqualTo("https://localhost/users?limit=1");
    }

    @Test
    void plain_http_sent_to_the_tls_port_is_redirected_too() {
        Response response = RestAssured.given()
                .baseUri("http://localhost:" + stack.httpsPort())
                .redirects()
                .follow(false)
                .get("/health");

        assertThat(response.statusCode()).as("plain HTTP on the HTTPS port").isEqualTo(301);
        assertThat(response.getHeader("Location")).startsWith("https://localhost");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void modern_tls_is_accepted_with_a_certificate_for_localhost(String protocol) throws IOException {
        SSLSession session = handshake(stack.devCa().sslContext(), stack.httpsPort(), protocol);

        assertThat(session.getProtocol()).isEqualTo(protocol);
        System.out.printf("TLSIT: %s accepted, cipher %s%n", protocol, session.getCipherSuite());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void legacy_tls_is_refused_by_nginx(String protocol) throws Exception {
        assertThat(clientCanNegotiate(protocol))
                .as("control: this JVM's client negotiates %s with a local %s-only server", protocol, protocol)
                .isEqualTo(protocol);

        assertThatThrownBy(() -> handshake(stack.devCa().sslContext(), stack.httpsPort(), protocol))
                .as("nginx refuses a %s-only client", protocol)
                .isInstanceOf(SSLHandshakeException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .as("the refusal comes from the server (an alert), not from the client's own configuration")
                        .doesNotContain("No appropriate protocol")
                        .containsAnyOf("protocol_version", "handshake_failure"));
    }

    @Test
    void the_hybrid_post_quantum_group_is_negotiated_with_a_client_that_offers_it() {
        String image = stack.environment().get("NGINX_IMAGE");
        Command.Result version = Command.of("docker", "run", "--rm", "--entrypoint", "curl", image, "-V")
                .timeout(Duration.ofMinutes(1))
                .check();
        boolean mlkem = version.stdout().matches("(?s).*OpenSSL/3\\.([5-9]|\\d\\d).*|(?s).*OpenSSL/[4-9].*");
        stack.throttle().acquire();
        // curl as it comes, groups by OpenSSL's default: on 3.5, X25519MLKEM768 is offered first.
        Command.Result handshake = Command.of(
                        "docker",
                        "run",
                        "--rm",
                        "--network",
                        "host",
                        "-v",
                        stack.devCa().certificate() + ":/tmp/ca.crt:ro",
                        "--entrypoint",
                        "curl",
                        image,
                        "-sv",
                        "-o",
                        "/dev/null",
                        "--cacert",
                        "/tmp/ca.crt",
                        "https://localhost:" + stack.httpsPort() + "/health")
                .timeout(Duration.ofMinutes(1))
                .run();
        assertThat(handshake.exitCode()).as(handshake.describe()).isZero();
        String line = handshake
                .stderr()
                .lines()
                .filter(l -> l.contains("SSL connection using"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no TLS summary from curl:\n" + handshake.describe()));
        System.out.printf("TLSIT: %s (client and edge: %s)%n", line.strip(), image);
        if (mlkem) {
            assertThat(line).as("an OpenSSL 3.5 edge and client").contains("TLSv1.3", "X25519MLKEM768");
        } else {
            System.out.printf(
                    "TLSIT: NOTE the edge image %s has no OpenSSL 3.5 (%s): no ML-KEM here, X25519 instead%n",
                    image, version.stdout().lines().findFirst().orElse(""));
            assertThat(line).as("an edge without ML-KEM").contains("TLSv1.3", "X25519");
        }
    }

    @Test
    void http2_is_negotiated() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .sslContext(stack.devCa().sslContext())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        stack.throttle().acquire();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(stack.edgeUrl() + "/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).as("ALPN outcome").isEqualTo(HttpClient.Version.HTTP_2);
    }

    private static SSLSession handshake(SSLContext context, int port, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            // Host name checked against the certificate's SANs, as a browser does.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession();
        }
    }

    /** Runs a throw-away TLS server on loopback that speaks only {@code protocol}; returns what the client got. */
    private static String clientCanNegotiate(String protocol) throws Exception {
        char[] password = "control".toCharArray();
        Path keystore = stack.workDirectory().resolve("tls-control.p12");
        if (!Files.exists(keystore)) {
            String keytool =
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Command.of(
                            keytool,
                            "-genkeypair",
                            "-alias",
                            "control",
                            "-keyalg",
                            "RSA",
                            "-keysize",
                            "2048",
                            "-dname",
                            "CN=localhost",
                            "-ext",
                            "SAN=dns:localhost",
                            "-validity",
                            "2",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            keystore.toString(),
                            "-storepass",
                            "control",
                            "-keypass",
                            "control")
                    .check();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        try (SSLServerSocket server = (SSLServerSocket) serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {protocol});
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                } catch (IOException ignored) {
                    // the client's outcome is what is asserted
                }
            });
            try {
                return handshake(clientContext, server.getLocalPort(), protocol).getProtocol();
            } finally {
                accepted.get();
            }
        }
    }
}
