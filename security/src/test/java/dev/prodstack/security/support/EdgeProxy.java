package dev.prodstack.security.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The edge proxy of one test class: security/nginx/nginx.conf in the real nginx image, run as the
 * compose file runs it (uid 101, read-only root filesystem, tmpfs /tmp, no capabilities,
 * no-new-privileges), with the development certificate, in front of the {@link FakeApi} (shared by
 * the whole run) or of nothing at all ({@code api} is 127.0.0.1, where nothing listens). Each class
 * gets its own nginx so that the rate limit one class spends never leaks into another; a class
 * other than RateLimitIT keeps under 20 requests (one burst) so that no 429 can stand in for the
 * answer it expects. Ryuk is
 * off: {@link #afterAll} removes the container, JUnit closes the fake api at the end of the run.
 */
public final class EdgeProxy implements BeforeAllCallback, AfterAllCallback {

    public static final int HTTP_PORT = 8080;
    public static final int HTTPS_PORT = 8443;
    public static final int OPS_HTTPS_PORT = 8444;
    public static final int STATUS_PORT = 8082;
    /** PROXY_UID:PROXY_GID defaults of deployment/docker-compose.yml. */
    public static final String NGINX_USER = "101:101";

    private static final Path NGINX_DIR = DevCertificates.repositoryRoot().resolve("security/nginx");
    /** The production exemption list (empty) and the one only the benchmark mounts. */
    public static final Path LIMIT_EXEMPT_DEFAULT = NGINX_DIR.resolve("limit-exempt.conf");

    public static final Path LIMIT_EXEMPT_BENCH = NGINX_DIR.resolve("limit-exempt.bench.conf");

    private final boolean withUpstream;
    private final Path limitExempt;
    private GenericContainer<?> nginx;
    private HttpClient client;

    private EdgeProxy(boolean withUpstream, Path limitExempt) {
        this.withUpstream = withUpstream;
        this.limitExempt = limitExempt;
    }

    /** nginx in front of the fake api. */
    public static EdgeProxy withFakeApi() {
        return new EdgeProxy(true, LIMIT_EXEMPT_DEFAULT);
    }

    /** nginx in front of the fake api with the benchmark's rate-limit exemption mounted. */
    public static EdgeProxy withFakeApiForTheBenchmark() {
        return new EdgeProxy(true, LIMIT_EXEMPT_BENCH);
    }

    /** nginx whose upstream refuses every connection. */
    public static EdgeProxy withoutUpstream() {
        return new EdgeProxy(false, LIMIT_EXEMPT_DEFAULT);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        nginx = edgeNginx(NginxImage.require(), limitExempt)
                .withExposedPorts(HTTP_PORT, HTTPS_PORT, OPS_HTTPS_PORT, STATUS_PORT)
                .waitingFor(
                        Wait.forHttp("/nginx-health").forPort(HTTP_PORT).withStartupTimeout(Duration.ofSeconds(30)));
        if (withUpstream) {
            nginx.withNetwork(FakeApi.shared(context).network());
        } else {
            nginx.withExtraHost("api", "127.0.0.1");
        }
        try {
            nginx.start();
        } catch (RuntimeException e) {
            afterAll(context);
            throw e;
        }
        client = HttpClient.newBuilder()
                .sslContext(DevCertificates.clientContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (nginx != null) {
            nginx.stop();
            nginx = null;
        }
    }

    /**
     * nginx with security/nginx/nginx.conf, its upstream watcher as the entrypoint, the production
     * (empty) rate-limit exemption list and the development certificate pair, mounted read-only at
     * the paths deployment/docker-compose.yml uses, run as that file runs the proxy.
     */
    public static GenericContainer<?> edgeNginx(DockerImageName image) {
        return edgeNginx(image, LIMIT_EXEMPT_DEFAULT);
    }

    public static GenericContainer<?> edgeNginx(DockerImageName image, Path limitExempt) {
        Path tls = DevCertificates.directory();
        Map<Path, String> mounts = Map.of(
                NGINX_DIR.resolve("nginx.conf"),
                "/etc/nginx/nginx.conf",
                NGINX_DIR.resolve("upstream-watch.sh"),
                "/etc/nginx/upstream-watch.sh",
                limitExempt,
                "/etc/nginx/limit-exempt.conf",
                tls.resolve("server.crt"),
                "/etc/nginx/tls/server.crt",
                tls.resolve("server.key"),
                "/etc/nginx/tls/server.key");
        return new GenericContainer<>(image)
                .withTmpFs(Map.of("/tmp", "rw,size=16m"))
                .withCommand("nginx", "-g", "daemon off;")
                .withCreateContainerCmdModifier(cmd -> {
                    HostConfig host = cmd.getHostConfig();
                    // Bind mounts, not copies: a read-only root filesystem refuses files copied in. Added
                    // here rather than with withFileSystemBind, whose file-mount probe needs an image pull.
                    List<Bind> binds = new ArrayList<>(host.getBinds() == null ? List.of() : List.of(host.getBinds()));
                    mounts.forEach((source, target) ->
                            binds.add(new Bind(source.toAbsolutePath().toString(), new Volume(target), AccessMode.ro)));
                    cmd.withUser(NGINX_USER);
                    cmd.withEntrypoint("/bin/sh", "/etc/nginx/upstream-watch.sh");
                    host.withBinds(binds)
                            .withReadonlyRootfs(true)
                            .withCapDrop(Capability.ALL)
                            .withSecurityOpts(List.of("no-new-privileges:true"));
                });
    }

    /** An HTTP/2-capable client that trusts the development CA and does not follow redirects. */
    public HttpClient client() {
        return client;
    }

    public URI https(String path) {
        return URI.create("https://localhost:" + nginx.getMappedPort(HTTPS_PORT) + path);
    }

    public URI http(String path) {
        return URI.create("http://localhost:" + nginx.getMappedPort(HTTP_PORT) + path);
    }

    public URI status(String path) {
        return URI.create("http://localhost:" + nginx.getMappedPort(STATUS_PORT) + path);
    }

    public int mappedPort(int containerPort) {
        return nginx.getMappedPort(containerPort);
    }

    /** nginx's stdout: the JSON access log. */
    public String accessLog() {
        return nginx.getLogs(OutputFrame.OutputType.STDOUT);
    }

    /** The first access log line containing {@code text}, waiting up to 5 s for Docker to have it. */
    public JsonNode awaitAccessLogLine(String text) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        while (true) {
            Optional<String> line = accessLog()
                    .lines()
                    .filter(candidate -> candidate.contains(text))
                    .findFirst();
            if (line.isPresent()) {
                return EdgeAssertions.parse(line.get());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no access log line contains " + text + " in:\n" + accessLog());
            }
            Thread.sleep(100);
        }
    }
}
