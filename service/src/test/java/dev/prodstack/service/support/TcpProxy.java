package dev.prodstack.service.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that a test can cut and restore, to take Postgres or Redis "down" and bring it back
 * without touching the real server other suites use. While cut, it drops every open connection and closes each
 * new one at once.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean up = true;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of the host and port of a service URL (jdbc:postgresql://..., redis://...). */
    public static TcpProxy inFrontOf(String url, int defaultPort) {
        final java.net.URI uri = java.net.URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
        try {
            return new TcpProxy(uri.getHost(), uri.getPort() == -1 ? defaultPort : uri.getPort());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The same URL, pointing at this proxy. */
    public String rewrite(String url) {
        final String scheme = url.substring(0, url.indexOf("//") + 2);
        final String rest = url.substring(scheme.length());
        final int pathStart = rest.indexOf('/');
        return scheme + "127.0.0.1:" + port() + (pathStart < 0 ? "" : rest.substring(pathStart));
    }

    public void cut() {
        up = false;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    public void restore() {
        up = true;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(listener);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                final Socket client = listener.accept();
                if (!up) {
                    closeQuietly(client);
                    continue;
                }
                final Socket server = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // Listener closed, or the target refused: the client sees its connection closed.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        final Thread thread = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // Either side closed.
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Nothing to do.
        }
    }
}
