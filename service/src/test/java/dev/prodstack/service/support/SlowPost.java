package dev.prodstack.service.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A POST /users whose body stops after five bytes until {@link #finish()}: an application request that holds its
 * slot (and a thread) for as long as a test needs, without sleeping in the server.
 */
public final class SlowPost implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final byte[] body;

    public SlowPost(int port) throws IOException {
        final String username = "slow_" + UUID.randomUUID().toString().substring(0, 8);
        body = ("{\"username\":\"" + username + "\",\"email\":\"" + username + "@example.com\"}")
                .getBytes(StandardCharsets.UTF_8);
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        out.write(("POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + "Content-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 5);
        out.flush();
    }

    /** Sends the rest of the body; the server's whole answer. */
    public Http.RawResponse finish() throws IOException {
        out.write(body, 5, body.length - 5);
        out.flush();
        return Http.RawResponse.parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
