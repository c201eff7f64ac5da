package dev.prodstack.security.support;

import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * The stand-in for the api (src/test/resources/fake-api/nginx.conf in the same nginx image),
 * reachable as {@code api} on its own network. One per test run: it is kept in JUnit's root store,
 * which closes it, container and network, when the run ends.
 */
public final class FakeApi implements AutoCloseable {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeApi.class);

    private final Network network;
    private final GenericContainer<?> container;

    private FakeApi() {
        network = Network.newNetwork();
        container = replica(network, "api");
        try {
            container.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * One more (not started) fake api container answering as {@code alias} on {@code network}; each
     * names itself in the X-Echo-Server header. For tests that add and remove replicas.
     */
    public static GenericContainer<?> replica(Network network, String alias) {
        return new GenericContainer<>(NginxImage.require())
                .withNetwork(network)
                .withNetworkAliases(alias)
                .withCopyFileToContainer(
                        MountableFile.forClasspathResource("fake-api/nginx.conf", 0644), "/etc/nginx/nginx.conf")
                .withExposedPorts(8000)
                .waitingFor(Wait.forHttp("/").forPort(8000).withStartupTimeout(Duration.ofSeconds(30)));
    }

    /** The run's fake api, started on first use. */
    public static FakeApi shared(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(FakeApi.class, key -> new FakeApi(), FakeApi.class);
    }

    public Network network() {
        return network;
    }

    @Override
    public void close() {
        try {
            container.stop();
        } finally {
            network.close();
        }
    }
}
