package dev.prodstack.security.edge;

import static dev.prodstack.security.support.EdgeAssertions.assertJsonError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.DevCertificates;
import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.FakeApi;
import dev.prodstack.security.support.NginxImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * nginx follows the api's replicas by itself (upstream-watch.sh): a replica that appears gets
 * traffic, one that is SIGKILLed costs no failed read, one whose /health says "stopping" gets no
 * more traffic while it still answers, and an edge started before any replica serves as soon as
 * one exists. No test here reloads nginx.
 */
class UpstreamFollowsReplicasIT {

    /** The watcher looks every 2 s; nginx's graceful reload takes a moment more. */
    private static final Duration FOLLOW_WITHIN = Duration.ofSeconds(10);

    private final List<GenericContainer<?>> started = new ArrayList<>();
    private Network network;
    private HttpClient client;

    @AfterEach
    void removeContainers() {
        started.forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    void newReplicaGetsTrafficAndAKilledOneCostsNoFailedRead() throws Exception {
        network = Network.newNetwork();
        GenericContainer<?> first = start(FakeApi.replica(network, "api"));
        GenericContainer<?> edge = start(edge("api"));
        String firstName = serverOf(get(edge, "/users"));

        GenericContainer<?> second = start(FakeApi.replica(network, "api"));
        String secondName = second.getContainerInfo().getConfig().getHostName();
        assertThat(awaitServers(edge, Set.of(firstName, secondName)))
                .as("both replicas answer within %s, without a reload by anyone", FOLLOW_WITHIN)
                .containsExactlyInAnyOrder(firstName, secondName);

        DockerClientFactory.instance()
                .client()
                .killContainerCmd(first.getContainerId())
                .withSignal("KILL")
                .exec();
        List<Integer> statuses = new ArrayList<>();
        Set<String> servers = new LinkedHashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(edge, "/users");
            statuses.add(response.statusCode());
            servers.add(serverOf(response));
            Thread.sleep(250);
        }
        assertThat(statuses)
                .as("reads while and after a replica is SIGKILLed (retried on the other)")
                .containsOnly(200);
        assertThat(servers).as("only the survivor answers").containsExactly(secondName);
        assertThat(edge.getLogs()).as("the watcher's own report").contains("nginx reloaded");
    }

    /**
     * A replica that got SIGTERM serves on for its STOP_DELAY with /health "stopping" (StopDelayIT in the
     * service); the watcher must drop it in that time, while it still answers, not when it is gone.
     */
    @Test
    void replicaWhoseHealthSaysStoppingIsDroppedWhileItStillAnswers() throws Exception {
        network = Network.newNetwork();
        GenericContainer<?> stopping = start(FakeApi.replica(network, "api"));
        GenericContainer<?> staying = start(FakeApi.replica(network, "api"));
        GenericContainer<?> edge = start(edge("api"));
        String stoppingName = stopping.getContainerInfo().getConfig().getHostName();
        String stayingName = staying.getContainerInfo().getConfig().getHostName();
        assertThat(awaitServers(edge, Set.of(stoppingName, stayingName)))
                .as("both replicas answer first")
                .containsExactlyInAnyOrder(stoppingName, stayingName);

        // The fake's /health, as the api answers it after SIGTERM (root: the config file is root's).
        Container.ExecResult changed = stopping.execInContainerWithUser(
                "root",
                "sh",
                "-c",
                "sed -i 's/\"status\":\"unhealthy\"/\"status\":\"stopping\"/' /etc/nginx/nginx.conf"
                        + " && nginx -s reload");
        assertThat(changed.getExitCode())
                .as("fake api reconfigured: %s", changed)
                .isZero();

        // Done when 12 answers in a row (3 s) come from the other replica.
        List<String> servers = new ArrayList<>();
        long deadline = System.nanoTime() + FOLLOW_WITHIN.toNanos();
        int inARow = 0;
        while (inARow < 12 && System.nanoTime() < deadline) {
            HttpResponse<String> response = get(edge, "/users");
            assertThat(response.statusCode())
                    .as("a read while one replica is stopping")
                    .isEqualTo(200);
            String server = serverOf(response);
            servers.add(server);
            inARow = server.equals(stayingName) ? inARow + 1 : 0;
            Thread.sleep(250);
        }
        assertThat(inARow)
                .as("answers in a row from the staying replica within %s (all servers: %s)", FOLLOW_WITHIN, servers)
                .isEqualTo(12);
        assertThat(stopping.isRunning()).as("the stopping replica still runs").isTrue();
        assertThat(stopping.execInContainer("curl", "-s", "http://127.0.0.1:8000/users")
                        .getStdout())
                .as("and still answers, directly")
                .contains("fake-api");
        assertThat(edge.getLogs()).contains("nginx reloaded");
    }

    @Test
    void edgeStartedBeforeAnyReplicaServesOnceOneAppears() throws Exception {
        network = Network.newNetwork();
        GenericContainer<?> edge = start(edge("api-later"));
        assertJsonError(get(edge, "/users"), 502, "bad gateway");

        GenericContainer<?> replica = start(FakeApi.replica(network, "api-later"));
        String name = replica.getContainerInfo().getConfig().getHostName();
        assertThat(awaitServers(edge, Set.of(name)))
                .as("the first replica is found within %s", FOLLOW_WITHIN)
                .containsExactly(name);
    }

    private GenericContainer<?> edge(String upstreamHost) {
        return EdgeProxy.edgeNginx(NginxImage.require())
                .withNetwork(network)
                .withEnv("UPSTREAM_HOST", upstreamHost)
                .withExposedPorts(EdgeProxy.HTTPS_PORT, EdgeProxy.HTTP_PORT)
                .waitingFor(Wait.forHttp("/nginx-health")
                        .forPort(EdgeProxy.HTTP_PORT)
                        .withStartupTimeout(Duration.ofSeconds(30)));
    }

    private GenericContainer<?> start(GenericContainer<?> container) {
        started.add(container);
        container.start();
        return container;
    }

    /** Polls (4 r/s, under the rate limit) until every expected server has answered, or the time is up. */
    private Set<String> awaitServers(GenericContainer<?> edge, Set<String> expected) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        long deadline = System.nanoTime() + FOLLOW_WITHIN.toNanos();
        while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
            HttpResponse<String> response = get(edge, "/users");
            if (response.statusCode() == 200) {
                seen.add(serverOf(response));
            }
            Thread.sleep(250);
        }
        return seen;
    }

    private HttpResponse<String> get(GenericContainer<?> edge, String path) throws IOException, InterruptedException {
        if (client == null) {
            // HTTP/1.1: nginx's graceful reload ends idle HTTP/2 connections with GOAWAY, and JDK 17's
            // client up to 17.0.16 fails a request that races it instead of retrying it (JDK-8335181).
            client = HttpClient.newBuilder()
                    .sslContext(DevCertificates.clientContext())
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        }
        URI uri = URI.create("https://localhost:" + edge.getMappedPort(EdgeProxy.HTTPS_PORT) + path);
        return client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String serverOf(HttpResponse<String> response) {
        return response.headers().firstValue("X-Echo-Server").orElse("<none: " + response.statusCode() + ">");
    }
}
