package dev.prodstack.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LineWriterTest {
    /** A stream as slow as a busy log pipe: every write call takes a millisecond. */
    private static final class SlowStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writeCalls = new AtomicInteger();
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writeCalls.incrementAndGet();
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bytes.write(b, off, len);
            writes.add(Arrays.copyOfRange(b, off, off + len));
        }

        synchronized List<String> lines() {
            final String text = bytes.toString(StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyLineArrivesWholeInItsThreadsOrderAndLinesShareWriteCalls() throws Exception {
        final SlowStream out = new SlowStream();
        final LineWriter writer = new LineWriter(out, 64, "test-writer");
        writer.start();
        final int threads = 8;
        final int perThread = 2_000;
        final List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            final Thread producer = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    writer.write(line("{\"thread\":" + id + ",\"n\":" + i + "}"));
                }
            });
            producer.start();
            producers.add(producer);
        }
        for (Thread producer : producers) {
            producer.join();
        }
        writer.stop(5_000);

        final List<String> lines = out.lines();
        assertThat(lines).hasSize(threads * perThread);
        final int[] next = new int[threads];
        for (String line : lines) {
            assertThat(line).matches("\\{\"thread\":\\d+,\"n\":\\d+}");
            final int thread = Integer.parseInt(line.replaceAll(".*\"thread\":(\\d+).*", "$1"));
            final int n = Integer.parseInt(line.replaceAll(".*\"n\":(\\d+).*", "$1"));
            assertThat(n).as("line %d of thread %d", n, thread).isEqualTo(next[thread]);
            next[thread]++;
        }
        // A full queue (64 lines) made the producers wait instead of dropping lines, and each write carried many.
        assertThat(out.writeCalls.get()).isLessThan(threads * perThread / 8);
    }

    @Test
    void anIdleWritersLineIsWrittenWithoutWaitingForMoreLines() throws Exception {
        final SlowStream out = new SlowStream();
        final LineWriter writer = new LineWriter(out, 64, "test-writer");
        writer.start();
        writer.write(line("alone"));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.lines().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(out.lines()).containsExactly("alone");
        writer.stop(5_000);
    }

    @Test
    void afterStopTheCallerWritesItsOwnLine() throws Exception {
        final SlowStream out = new SlowStream();
        final LineWriter writer = new LineWriter(out, 64, "test-writer");
        writer.start();
        writer.write(line("before"));
        writer.stop(5_000);
        writer.write(line("after"));
        assertThat(out.lines()).containsExactly("before", "after");
    }

    @Test
    void aGroupLargerThanOneWriteIsSplitAtLineEnds() throws Exception {
        final SlowStream out = new SlowStream();
        final LineWriter writer = new LineWriter(out, 1_024, "test-writer");
        writer.start();
        final String kilobyte = "x".repeat(1_023);
        for (int i = 0; i < 300; i++) {
            writer.write(line(kilobyte));
        }
        writer.stop(5_000);
        assertThat(out.lines()).hasSize(300).containsOnly(kilobyte);
        assertThat(out.writes).allSatisfy(write -> {
            assertThat(write.length).isLessThanOrEqualTo(LineWriter.MAX_WRITE_BYTES);
            assertThat(write[write.length - 1]).isEqualTo((byte) '\n');
        });
        assertThat(out.writes).as("write calls").hasSizeLessThan(300);
    }
}
