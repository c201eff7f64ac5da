package dev.prodstack.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** The host's /usr/bin/prometheus, on a free loopback port with a throw-away storage directory. */
final class PrometheusProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Prometheus with the config built for its port, and waits until it is ready. */
    static PrometheusProcess start(Path workDirectory, IntFunction<String> configForPort) {
        int port = freePort();
        Path config = workDirectory.resolve("prometheus.yml");
        Path log = workDirectory.resolve("prometheus.log");
        MonitoringFiles.write(config, configForPort.apply(port));
        Process process = Command.program(
                        MonitoringTools.PROMETHEUS,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + workDirectory.resolve("data"),
                        "--storage.tsdb.retention.time=1h",
                        "--web.listen-address=127.0.0.1:" + port)
                .spawn(log);
        PrometheusProcess prometheus = new PrometheusProcess(process, port, log);
        prometheus.awaitReady();
        return prometheus;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query through /api/v1/query; the whole JSON answer, errors included. */
    JsonNode query(String expression) {
        return get("/api/v1/query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
    }

    JsonNode get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .timeout(Duration.ofSeconds(15))
                .build();
        try {
            return MonitoringFiles.json(
                    http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " failed; prometheus log:\n" + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            sleep(Duration.ofMillis(250));
        }
        close();
        throw new AssertionError("prometheus not ready within " + STARTUP + ":\n" + log());
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Stops this process (only this one: by its handle), gracefully first. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
