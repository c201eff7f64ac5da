package dev.prodstack.acceptance.attack;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Many TLS connections to the edge held by an attacker: each opened with a first write, then every tick a further
 * write to each connection still open (a header line, a body byte, or nothing), optionally replacing at once the
 * connections the server ends, as slowloris does. Bounded: a fixed number of connections at a time and a deadline.
 */
final class ConnectionFlood implements AutoCloseable {

    /** What to send: the opening bytes of connection i, and the bytes of each tick (null: nothing). */
    interface Script {
        String opening(int connection);

        String tick(int tickNumber);
    }

    private static final int OPENERS = 8;

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
    private final List<Thread> openerThreads = new CopyOnWriteArrayList<>();
    private volatile boolean ticking = true;
    private volatile boolean stopped;
    private volatile Exception failure;
    private final AtomicInteger sequence = new AtomicInteger();

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

    /**
     * Eight openers keep their share of the connections open (a closed one is replaced at once when
     * {@code replaceEnded}); this thread writes each tick's bytes to every open connection.
     */
    private void attack() {
        int openers = Math.min(OPENERS, size);
        for (int o = 0; o < openers; o++) {
            int share = size / openers + (o < size % openers ? 1 : 0);
            Thread opener = new Thread(() -> keepOpen(share), "connection-flood-opener");
            opener.setDaemon(true);
            opener.start();
            openerThreads.add(opener);
        }
        try {
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
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped = true;
            openerThreads.forEach(Thread::interrupt);
        }
    }

    private void keepOpen(int share) {
        List<HeldConnection> mine = new ArrayList<>();
        try {
            while (!over()) {
                long open = mine.stream().filter(HeldConnection::isOpen).count();
                if (open < share && (replaceEnded || mine.size() < share)) {
                    HeldConnection connection = HeldConnection.open(tls, port);
                    connection.send(script.opening(sequence.getAndIncrement()));
                    mine.add(connection);
                    connections.add(connection);
                } else {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!over()) {
                failure = e;
            }
        }
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
            for (Thread opener : openerThreads) {
                opener.join(10_000); // one may be in a handshake: its connection is closed below too
            }
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
