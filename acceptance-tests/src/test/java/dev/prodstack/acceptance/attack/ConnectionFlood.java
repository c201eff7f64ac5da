package dev.prodstack.acceptance.attack;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * Many TLS connections to the edge held by one attacker thread: each opened with a first write, then every tick a
 * further write to each connection still open (a header line, a body byte, or nothing), optionally replacing the
 * connections the server ends, as slowloris does. Bounded: a fixed number of connections and a deadline.
 */
final class ConnectionFlood implements AutoCloseable {

    /** What to send: the opening bytes of connection i, and the bytes of each tick (null: nothing). */
    interface Script {
        String opening(int connection);

        String tick(int tickNumber);
    }

    private final SSLContext tls;
    private final int port;
    private final int size;
    private final Script script;
    private final boolean replaceEnded;
    private final Duration tick;
    private final long deadline;
    private final List<HeldConnection> connections = new CopyOnWriteArrayList<>();
    private final List<Integer> openCounts = new CopyOnWriteArrayList<>();
    private final Thread attacker;
    private volatile boolean ticking = true;
    private volatile boolean stopped;
    private volatile Exception failure;

    private ConnectionFlood(
            SSLContext tls, int port, int size, Script script, boolean replaceEnded, Duration tick, Duration limit) {
        this.tls = tls;
        this.port = port;
        this.size = size;
        this.script = script;
        this.replaceEnded = replaceEnded;
        this.tick = tick;
        this.deadline = System.nanoTime() + limit.toNanos();
        this.attacker = new Thread(this::attack, "connection-flood");
        attacker.setDaemon(true);
    }

    static ConnectionFlood start(
            SSLContext tls, int port, int size, Script script, boolean replaceEnded, Duration tick, Duration limit) {
        ConnectionFlood flood = new ConnectionFlood(tls, port, size, script, replaceEnded, tick, limit);
        flood.attacker.start();
        return flood;
    }

    private void attack() {
        try {
            for (int i = 0; i < size && !over(); i++) {
                openOne();
            }
            int tickNumber = 0;
            while (!over()) {
                Thread.sleep(tick.toMillis());
                String payload = ticking ? script.tick(tickNumber++) : null;
                int open = 0;
                for (HeldConnection connection : connections) {
                    if (connection.isOpen()) {
                        open++;
                        if (payload != null) {
                            connection.send(payload);
                        }
                    }
                }
                openCounts.add(open);
                for (int missing = size - open; replaceEnded && missing > 0 && !over(); missing--) {
                    openOne();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    private void openOne() throws IOException {
        HeldConnection connection = HeldConnection.open(tls, port);
        connection.send(script.opening(connections.size()));
        connections.add(connection);
    }

    private boolean over() {
        return stopped || System.nanoTime() > deadline;
    }

    /** Waits until {@code size} connections are open at once (the flood is in place). */
    void awaitInPlace(Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (openNow() < size) {
            if (failure != null) {
                throw new IllegalStateException("the attacker failed", failure);
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("only " + openNow() + " of " + size + " connections open after " + limit);
            }
            Thread.sleep(100);
        }
        openCounts.clear();
    }

    int openNow() {
        return (int) connections.stream().filter(HeldConnection::isOpen).count();
    }

    /** The fewest connections open at one tick since the flood was in place. */
    int fewestHeld() {
        return openCounts.stream().mapToInt(Integer::intValue).min().orElse(openNow());
    }

    int opened() {
        return connections.size();
    }

    /** Stops the ticks' writes (the connections stay open, silent). */
    void stopTicking() {
        ticking = false;
    }

    List<HeldConnection> connections() {
        return new ArrayList<>(connections);
    }

    @Override
    public void close() {
        stopped = true;
        attacker.interrupt();
        try {
            attacker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.forEach(HeldConnection::close);
    }

    /** Fails if the attacker thread itself hit an error (then the attack was not what the test claims). */
    void checkAttacker() {
        if (failure != null) {
            throw new IllegalStateException("the attacker failed", failure);
        }
    }
}
