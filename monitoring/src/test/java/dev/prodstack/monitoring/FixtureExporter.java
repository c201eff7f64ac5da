package dev.prodstack.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the metrics captured from the stack's real exporters (src/test/resources/fixtures/JOB.prom)
 * at /fixtures/JOB, on loopback. Counters, histograms and summaries grow with every scrape
 * (the captured value times the scrape number), so rates, ratios and quantiles have data.
 */
final class FixtureExporter implements AutoCloseable {

    static final List<String> JOBS = List.of(
            "api", "postgres", "redis", "nginx", "node", "blackbox", "alertmanager", "log-shipper", "log-store");

    private static final Set<String> GROWING_TYPES = Set.of("counter", "histogram", "summary");
    private static final List<String> GROWING_SUFFIXES = List.of("_bucket", "_count", "_sum", "_total");

    private final HttpServer server;
    private final Map<String, List<String>> fixtures = new HashMap<>();
    private final Map<String, AtomicLong> scrapes = new ConcurrentHashMap<>();

    FixtureExporter() {
        for (String job : JOBS) {
            fixtures.put(job, load(job));
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        server.createContext("/fixtures/", this::serve);
        server.start();
    }

    /** host:port to scrape. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        String job = exchange.getRequestURI().getPath().substring("/fixtures/".length());
        List<String> lines = fixtures.get(job);
        if (lines == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        long scrape = scrapes.computeIfAbsent(job, name -> new AtomicLong()).incrementAndGet();
        byte[] body;
        int status = 200;
        try {
            body = render(lines, scrape).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            // Shown by Prometheus as the target's lastError.
            status = 500;
            body = e.toString().getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String render(List<String> lines, long factor) {
        Map<String, String> types = new HashMap<>();
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            }
            out.append(line.startsWith("#") || line.isBlank() ? line : grow(line, types, factor))
                    .append('\n');
        }
        return out.toString();
    }

    private static String grow(String sample, Map<String, String> types, long factor) {
        int labelsEnd = sample.lastIndexOf('}');
        int nameEnd = sample.indexOf('{') >= 0 ? sample.indexOf('{') : sample.indexOf(' ');
        String name = sample.substring(0, nameEnd);
        if (!grows(name, types)) {
            return sample;
        }
        int valueStart = labelsEnd >= 0 ? labelsEnd + 1 : nameEnd;
        String[] valueAndRest = sample.substring(valueStart).trim().split(" ", 2);
        double value;
        try {
            value = Double.parseDouble(valueAndRest[0]);
        } catch (NumberFormatException notANumber) {
            return sample; // +Inf, NaN: left as captured
        }
        return sample.substring(0, valueStart) + " " + (value * factor);
    }

    private static boolean grows(String name, Map<String, String> types) {
        String type = types.getOrDefault(name, "");
        if (type.equals("counter")) {
            return true; // a counter sample named like its family
        }
        for (String suffix : GROWING_SUFFIXES) {
            if (name.endsWith(suffix)
                    && GROWING_TYPES.contains(
                            types.getOrDefault(name.substring(0, name.length() - suffix.length()), ""))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> load(String job) {
        String resource = "/fixtures/" + job + ".prom";
        try (InputStream in = FixtureExporter.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
