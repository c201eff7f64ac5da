package dev.prodstack.service.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client for the tests: java.net.http for normal requests, a raw socket for malformed ones. */
public final class Http {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Response get(String path, String... headers) {
        return send("GET", path, (String) null, headers);
    }

    public Response post(String path, String json, String... headers) {
        return send("POST", path, json, withJson(headers));
    }

    public Response put(String path, String json, String... headers) {
        return send("PUT", path, json, withJson(headers));
    }

    public Response patch(String path, String json, String... headers) {
        return send("PATCH", path, json, withJson(headers));
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, (String) null, headers);
    }

    /** Any method, body and headers (name, value pairs). A null body sends none. */
    public Response send(String method, String path, String body, String... headers) {
        return sendPublisher(
                method,
                path,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8),
                headers);
    }

    public Response sendPublisher(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            final long start = System.nanoTime();
            final HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends bytes as they are (for request lines and headers no client library would produce). */
    public static RawResponse raw(int port, String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return RawResponse.parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    public static String adminAuth() {
        return "Bearer " + TestServices.ADMIN_TOKEN;
    }

    private static String[] withJson(String[] headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Content-Type")) {
                return headers;
            }
        }
        final String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = "application/json";
        return all;
    }

    /** A response with its JSON body at hand and the time it took. */
    public record Response(HttpResponse<String> raw, Duration elapsed) {
        public int status() {
            return raw.statusCode();
        }

        public String body() {
            return raw.body();
        }

        public JsonNode json() {
            return Http.json(raw.body());
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public long id() {
            return json().get("id").asLong();
        }
    }

    /** Status line, headers and body of a raw exchange. */
    public record RawResponse(int status, String head, String body) {
        static RawResponse parse(String text) {
            final int split = text.indexOf("\r\n\r\n");
            final String head = split < 0 ? text : text.substring(0, split);
            final String body = split < 0 ? "" : text.substring(split + 4);
            final String[] statusLine = head.split("\r\n", 2)[0].split(" ");
            return new RawResponse(statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1, head, body);
        }

        public String header(String name) {
            for (String line : head.split("\r\n")) {
                final int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
