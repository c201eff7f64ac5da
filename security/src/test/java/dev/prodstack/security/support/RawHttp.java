package dev.prodstack.security.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 written byte for byte, for what java.net.http will not send: a path exactly as typed
 * (no normalisation), an absolute-form request line, any Host header, plain text to the TLS port.
 */
public final class RawHttp {

    private RawHttp() {}

    /** A parsed response; header names are case-insensitive. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** Sends {@code GET target} with {@code Host: host} over TLS (trusting the development CA). */
    public static Response getOverTls(int port, String target, String host) {
        return overTls(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    public static Response overTls(int port, String request) {
        try (SSLSocket socket =
                (SSLSocket) DevCertificates.clientContext().getSocketFactory().createSocket("localhost", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            return exchange(socket, request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response plain(int port, String request) {
        try (Socket socket = new Socket("localhost", port)) {
            return exchange(socket, request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response exchange(Socket socket, String request) throws IOException {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        // Every request here says "Connection: close", so the response ends where the stream does.
        return parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    /** Parses a response head and body as written on the wire (or by {@code curl -D -}). */
    public static Response parse(String raw) throws IOException {
        int headerEnd = raw.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            throw new IOException("no complete response head in: " + raw);
        }
        String[] lines = raw.substring(0, headerEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), name -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        return new Response(status, headers, raw.substring(headerEnd + 4));
    }
}
