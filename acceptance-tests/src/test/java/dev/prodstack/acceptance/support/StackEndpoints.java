package dev.prodstack.acceptance.support;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How tests reach a running stack: its published ports, base URLs, REST Assured specs (HTTPS
 * through nginx trusting only the dev CA, paced under the rate limit), secrets and containers.
 */
public final class StackEndpoints {

    static {
        RestAssured.urlEncodingEnabled = true;
    }

    private final String project;
    private final Path workDirectory;
    private final EdgeThrottle throttle = new EdgeThrottle();
    private final DevCa devCa;
    private final int httpPort;
    private final int httpsPort;
    private final int prometheusPort;
    private final int alertmanagerPort;

    /** Reads the published ports of a stack that is up and healthy. */
    StackEndpoints(String project, Path workDirectory) {
        this.project = project;
        this.workDirectory = workDirectory;
        this.httpPort = hostPort(project, "proxy", 8080);
        this.httpsPort = hostPort(project, "proxy", 8443);
        this.prometheusPort = hostPort(project, "prometheus", 9090);
        this.alertmanagerPort = hostPort(project, "alertmanager", 9093);
        this.devCa = new DevCa(workDirectory.resolve("tls/ca.crt"));
    }

    /** The host port a service's container port is published on (the first replica's). */
    public static int hostPort(String project, String service, int containerPort) {
        for (Container container : Docker.containers(project, service)) {
            Ports.Binding[] bindings = Docker.inspect(container.getId())
                    .getNetworkSettings()
                    .getPorts()
                    .getBindings()
                    .get(ExposedPort.tcp(containerPort));
            if (bindings != null && bindings.length > 0) {
                return Integer.parseInt(bindings[0].getHostPortSpec());
            }
        }
        throw new IllegalStateException(service + ":" + containerPort + " is not published");
    }

    public int hostPort(String service, int containerPort) {
        return hostPort(project, service, containerPort);
    }

    public int httpPort() {
        return httpPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    public String edgeUrl() {
        return "https://localhost:" + httpsPort;
    }

    /** The api's loopback debug port: looked up each time, because a restarted api gets a new one. */
    public String apiDebugUrl() {
        return "http://127.0.0.1:" + hostPort("api", 8000);
    }

    public Prometheus prometheus() {
        return new Prometheus("http://127.0.0.1:" + prometheusPort);
    }

    public Alertmanager alertmanager() {
        return new Alertmanager("http://127.0.0.1:" + alertmanagerPort);
    }

    public DevCa devCa() {
        return devCa;
    }

    public EdgeThrottle throttle() {
        return throttle;
    }

    /** HTTPS through nginx, trusting only the dev CA, paced under the edge's rate limit. */
    public RequestSpecification edgeSpec() {
        return edgeSpecBuilder().addFilter(throttle).build();
    }

    /** Through nginx without pacing: only for tests that exceed the rate limit on purpose. */
    public RequestSpecification edgeUnthrottledSpec() {
        return edgeSpecBuilder().build();
    }

    private RequestSpecBuilder edgeSpecBuilder() {
        return new RequestSpecBuilder()
                .setBaseUri(edgeUrl())
                .setConfig(RestAssuredConfig.config()
                        .sslConfig(SSLConfig.sslConfig().trustStore(devCa.trustStore())));
    }

    /** Plain HTTP on the edge's port 80 equivalent (redirects only). */
    public RequestSpecification edgeHttpSpec() {
        return new RequestSpecBuilder()
                .setBaseUri("http://localhost:" + httpPort)
                .addFilter(throttle)
                .build();
    }

    /** The api's own port 8000, published on loopback by the acceptance override only. */
    public RequestSpecification apiDebugSpec() {
        return new RequestSpecBuilder().setBaseUri(apiDebugUrl()).build();
    }

    /**
     * After the api containers were stopped and started: nginx must follow the new addresses by
     * itself (security/nginx/upstream-watch.sh re-resolves every 2 s); no one reloads it. Fails
     * when the edge does not serve /health within 30 s.
     */
    public void awaitEdgeFollowsTheApi() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (RestAssured.given().spec(edgeSpec()).get("/health").statusCode() == 200) {
                return;
            }
            AcceptanceStack.sleep(Duration.ofSeconds(1));
        }
        throw new IllegalStateException("nginx did not follow the api's restart by itself within 30 s");
    }

    public String adminToken() {
        return secret("admin_token");
    }

    /** A secret file that `stack.sh prepare` wrote for the run. */
    public String secret(String name) {
        Path file = workDirectory.resolve("secrets").resolve(name);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Container ids of a service, running or not. */
    public List<String> containerIds(String service) {
        return Docker.containers(project, service).stream()
                .map(Container::getId)
                .toList();
    }

    public String containerId(String service) {
        List<String> ids = containerIds(service);
        if (ids.isEmpty()) {
            throw new IllegalStateException("service " + service + " has no container");
        }
        return ids.get(0);
    }
}
