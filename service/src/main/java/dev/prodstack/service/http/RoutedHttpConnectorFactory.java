package dev.prodstack.service.http;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.jetty.HttpConnectorFactory;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: http-routed}: an HTTP connector that listens only on the local address this host uses to reach
 * {@code bindTowards}. The admin port (metrics, health checks, Dropwizard's tasks) sits on a replica attached to
 * both the edge's network and the backend one, and an address cannot be known before the container starts: the
 * route to a backend-only host (the stacks pass {@code db}) names the backend interface, so nginx's network never
 * reaches the port while Prometheus on the backend does. Empty {@code bindTowards}: a plain {@code http} connector.
 */
@JsonTypeName("http-routed")
public final class RoutedHttpConnectorFactory extends HttpConnectorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(RoutedHttpConnectorFactory.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private String bindTowards = "";

    /**
     * How long to wait for {@code bindTowards} to resolve: in a Swarm the replica may start before the backend's
     * names exist. Past it the start fails, and the orchestrator starts the replica again.
     */
    @Min(0)
    @Max(600)
    private int resolveSeconds = 60;

    @JsonProperty
    public String getBindTowards() {
        return bindTowards;
    }

    @JsonProperty
    public void setBindTowards(String bindTowards) {
        this.bindTowards = bindTowards == null ? "" : bindTowards.trim();
    }

    @JsonProperty
    public int getResolveSeconds() {
        return resolveSeconds;
    }

    @JsonProperty
    public void setResolveSeconds(int resolveSeconds) {
        this.resolveSeconds = resolveSeconds;
    }

    @Override
    public Connector build(Server server, MetricRegistry metrics, String name, ThreadPool threadPool) {
        if (!bindTowards.isEmpty()) {
            String address = localAddressTowards(resolve(bindTowards, Duration.ofSeconds(resolveSeconds)));
            setBindHost(address);
            LOG.info("{} listens on {}:{} only, the address that reaches {}", name, address, getPort(), bindTowards);
        }
        return super.build(server, metrics, name, threadPool);
    }

    /** The source address the kernel picks for packets to {@code target} (a UDP connect sends nothing). */
    static String localAddressTowards(InetAddress target) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(target, 9));
            InetAddress local = socket.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IllegalStateException("no route to " + target.getHostAddress() + " to bind to");
            }
            return local.getHostAddress();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the address that reaches " + target.getHostAddress(), e);
        }
    }

    static InetAddress resolve(String host, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException(
                            "bindTowards " + host + " did not resolve within " + patience.toSeconds() + " s", e);
                }
                LOG.warn("bindTowards {} does not resolve yet; retrying", host);
                sleep(RETRY_EVERY);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for bindTowards to resolve", e);
        }
    }
}
