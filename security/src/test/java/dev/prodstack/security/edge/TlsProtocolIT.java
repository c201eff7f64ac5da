package dev.prodstack.security.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prodstack.security.support.DevCertificates;
import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TLS 1.2 and 1.3 with modern ciphers and HTTP/2; TLS 1.0/1.1 and CBC suites refused by nginx itself. */
class TlsProtocolIT {

    @RegisterExtension
    static final EdgeProxy PROXY = EdgeProxy.withFakeApi();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void acceptsModernProtocols(String protocol) throws IOException {
        try (SSLSocket socket = clientSocket(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), protocol)) {
            socket.startHandshake();

            SSLSession session = socket.getSession();
            assertThat(session.getProtocol()).isEqualTo(protocol);
            assertThat(session.getCipherSuite()).as("AEAD suite").containsAnyOf("_GCM_", "_CHACHA20_POLY1305");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void refusesLegacyProtocols(String protocol) throws Exception {
        assertThat(handshakeWithLocalServer(protocol))
                .as("control: this client really offers %s (a local Java server accepts it)", protocol)
                .isEqualTo(protocol);

        try (SSLSocket socket = clientSocket(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), protocol)) {
            assertThatThrownBy(socket::startHandshake)
                    .as("nginx answers a %s hello with a protocol_version alert", protocol)
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("protocol_version");
        }
    }

    @Test
    void refusesCbcCipherSuitesOnTls12() throws IOException {
        try (SSLSocket socket = clientSocket(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), "TLSv1.2")) {
            socket.setEnabledCipherSuites(new String[] {
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"
            });

            assertThatThrownBy(socket::startHandshake)
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("handshake_failure");
        }
    }

    @Test
    void presentsTheDevelopmentCertificateForLocalhostAndTheServiceName() throws Exception {
        try (SSLSocket socket = clientSocket(PROXY.mappedPort(EdgeProxy.HTTPS_PORT), "TLSv1.3")) {
            socket.startHandshake();

            X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(server.getIssuerX500Principal())
                    .isEqualTo(DevCertificates.readCertificate(
                                    DevCertificates.directory().resolve("ca.crt"))
                            .getSubjectX500Principal());
            assertThat(server.getSubjectAlternativeNames())
                    .extracting(name -> String.valueOf(name.get(1)))
                    .contains("localhost", "proxy", "127.0.0.1");
        }
    }

    @Test
    void negotiatesHttp2() throws Exception {
        HttpResponse<String> response = PROXY.client()
                .send(
                        HttpRequest.newBuilder(PROXY.https("/users"))
                                .version(HttpClient.Version.HTTP_2)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** A client that trusts the development CA, checks the host name, and offers only {@code protocol}. */
    private static SSLSocket clientSocket(int port, String protocol) throws IOException {
        SSLSocket socket =
                (SSLSocket) DevCertificates.clientContext().getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        assertThat(List.of(socket.getEnabledProtocols())).containsExactly(protocol);
        return socket;
    }

    /** The protocol a handshake with a loopback Java server, offering only {@code protocol}, settled on. */
    private static String handshakeWithLocalServer(String protocol) throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) DevCertificates.serverContext()
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {protocol});
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket connection = (SSLSocket) server.accept()) {
                    connection.startHandshake();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket client = clientSocket(server.getLocalPort(), protocol)) {
                client.startHandshake();
                accepted.get(10, TimeUnit.SECONDS);
                return client.getSession().getProtocol();
            }
        }
    }
}
