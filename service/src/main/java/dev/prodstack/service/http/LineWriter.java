package dev.prodstack.service.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes whole lines to one stream from one thread, in groups: a request thread only queues its line; the writer
 * takes the first line, lets {@link #LINGER_NANOS} pass, then writes every line queued by then with one call and
 * flushes. Idle, a line is written within that linger; under load one write carries many lines, so a busy replica
 * makes at most a few hundred write calls a second to Docker's log pipe instead of one per request (each of which
 * wakes containerd-shim and dockerd). The linger also spares the request threads: a writer waiting on the queue is
 * woken by the line that arrives (a futex call and a context switch), one that lingers is not, so only the first
 * line of a group wakes it (LockSupport.unpark was 2.5 % of a cached read's samples, JFR).
 *
 * <p>A full queue makes the request thread wait: no line is dropped. After {@link #stop} lines are written by the
 * caller itself, so requests that finish during shutdown are still logged.
 */
final class LineWriter {
    /** The largest group written in one call. */
    static final int MAX_WRITE_BYTES = 64 * 1024;

    /** How long the writer waits after a group's first line for the others. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final BlockingQueue<byte[]> queue;
    private final Thread thread;
    private volatile boolean running;

    LineWriter(OutputStream out, int capacity, String threadName) {
        this.out = out;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        running = true;
        thread.start();
    }

    /** Queues one line (its bytes, ending in a newline); waits while the queue is full. */
    void write(byte[] line) {
        if (running) {
            try {
                queue.put(line);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeNow(List.of(line));
    }

    /** Writes what is queued, then ends the thread; waits for it at most {@code timeoutMillis}. */
    void stop(long timeoutMillis) throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        if (!queue.offer(END, timeoutMillis, TimeUnit.MILLISECONDS)) {
            thread.interrupt();
        }
        thread.join(timeoutMillis);
        // Lines queued by requests that saw the writer running a moment before it stopped.
        writeQueued(new ArrayList<>());
    }

    private void run() {
        final List<byte[]> group = new ArrayList<>();
        try {
            while (true) {
                group.add(queue.take());
                if (group.get(0) != END) {
                    TimeUnit.NANOSECONDS.sleep(LINGER_NANOS);
                }
                queue.drainTo(group);
                final boolean end = group.remove(END);
                writeNow(group);
                group.clear();
                if (end) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            writeQueued(group);
        }
    }

    /** Writes {@code lines} and whatever is still queued. */
    private void writeQueued(List<byte[]> lines) {
        queue.drainTo(lines);
        lines.remove(END);
        writeNow(lines);
    }

    private void writeNow(List<byte[]> lines) {
        final byte[] buffer = new byte[Math.min(MAX_WRITE_BYTES, total(lines))];
        int used = 0;
        try {
            synchronized (out) {
                for (byte[] line : lines) {
                    if (used > 0 && used + line.length > buffer.length) {
                        out.write(buffer, 0, used);
                        used = 0;
                    }
                    if (line.length >= buffer.length) {
                        out.write(line);
                    } else {
                        System.arraycopy(line, 0, buffer, used, line.length);
                        used += line.length;
                    }
                }
                if (used > 0) {
                    out.write(buffer, 0, used);
                }
                out.flush();
            }
        } catch (IOException e) {
            // stdout is gone (the log driver closed the pipe): there is nowhere left to report it.
        }
    }

    private static int total(List<byte[]> lines) {
        int total = 0;
        for (byte[] line : lines) {
            total += line.length;
            if (total >= MAX_WRITE_BYTES) {
                return MAX_WRITE_BYTES;
            }
        }
        return total;
    }
}
