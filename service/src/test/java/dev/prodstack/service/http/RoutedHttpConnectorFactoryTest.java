package dev.prodstack.service.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The admin connector's binding: a real Jetty connector, bound where the route to its target leaves. */
class RoutedHttpConnectorFactoryTest {

    @Test
    void the_route_to_loopback_leaves_from_loopback() throws Exception {
        assertThat(RoutedHttpConnectorFactory.localAddressTowards(InetAddress.getByName("127.0.0.1")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void a_connector_towards_localhost_listens_on_loopback_and_nowhere_else() throws Exception {
        RoutedHttpConnectorFactory factory = new RoutedHttpConnectorFactory();
        factory.setPort(0);
        factory.setBindTowards("localhost");
        Server server = new Server();
        ServerConnector connector = (ServerConnector) factory.build(server, new MetricRegistry(), "admin", null);
        server.addConnector(connector);
        server.start();
        try {
            int port = connector.getLocalPort();
            assertThat(InetAddress.getByName(connector.getHost()).isLoopbackAddress())
                    .as("bound host %s", connector.getHost())
                    .isTrue();
            assertThat(connects(connector.getHost(), port)).as("loopback").isTrue();
            Optional<InetAddress> other = nonLoopbackAddress();
            // Every CI host has one (its network interface, docker0); without one there is no second address to try.
            assertThat(other)
                    .as("a non-loopback IPv4 address of this host to try")
                    .isPresent();
            assertThat(connects(other.get().getHostAddress(), port))
                    .as("%s:%d, the host's other address", other.get().getHostAddress(), port)
                    .isFalse();
        } finally {
            server.stop();
        }
    }

    @Test
    void without_a_target_it_is_a_plain_http_connector_on_every_address() throws Exception {
        RoutedHttpConnectorFactory factory = new RoutedHttpConnectorFactory();
        factory.setPort(0);
        factory.setBindTowards(null);
        Server server = new Server();
        ServerConnector connector = (ServerConnector) factory.build(server, new MetricRegistry(), "admin", null);
        assertThat(factory.getBindTowards()).isEmpty();
        assertThat(connector.getHost()).isNull();
    }

    @Test
    void a_name_that_never_resolves_fails_the_start_after_the_wait() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> RoutedHttpConnectorFactory.resolve("no-such-host.invalid", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bindTowards no-such-host.invalid did not resolve within 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    private static boolean connects(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(networkInterface -> {
                    try {
                        return networkInterface.isUp() && !networkInterface.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address)
                .findFirst();
    }
}
