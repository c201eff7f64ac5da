package dev.prodstack.acceptance.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection to the edge that an attacker holds open: it writes what it is told, when it is told, and a
 * reader thread of its own records everything the server sends and the moment the server ends the connection (EOF
 * or reset). Only to loopback.
 */
final class HeldConnection implements AutoCloseable {

    private final SSLSocket socket;
    private final OutputStream out;
    private final long openedNanos;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile long endedNanos;
    private volatile boolean closedByUs;

    private HeldConnection(SSLSocket socket, long openedNanos) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.openedNanos = openedNanos;
        Thread reader = new Thread(this::read, "held-connection-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to 127.0.0.1:port, completes the TLS handshake (HTTP/1.1, no ALPN). */
    static HeldConnection open(SSLContext context, int port) throws IOException {
        long start = System.nanoTime();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.startHandshake();
        return new HeldConnection(socket, start);
    }

    private void read() {
        byte[] buffer = new byte[4096];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (received) {
                    received.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // a reset (reset_timedout_connection) or our own close: either ends the connection
        } finally {
            endedNanos = System.nanoTime();
            ended.countDown();
        }
    }

    /** Writes and flushes; false once the connection is gone. */
    boolean send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isOpen() {
        return ended.getCount() > 0;
    }

    /** Seconds from connect to the server's end of the connection (or now, if it is still open). */
    double lifetimeSeconds() {
        long end = isOpen() ? System.nanoTime() : endedNanos;
        return (end - openedNanos) / 1e9;
    }

    boolean awaitEnd(long seconds) throws InterruptedException {
        return ended.await(seconds, TimeUnit.SECONDS);
    }

    /** Ended by the server, not by {@link #close()}. */
    boolean endedByServer() {
        return !isOpen() && !closedByUs;
    }

    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** The status of the last response received, or 0 if none. */
    int lastStatus() {
        String text = received();
        int at = text.lastIndexOf("HTTP/1.1 ");
        return at < 0 ? 0 : Integer.parseInt(text.substring(at + 9, at + 12));
    }

    @Override
    public void close() {
        if (isOpen()) {
            closedByUs = true;
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
