package dev.prodstack.acceptance.attack;

import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A well-behaved client beside the attackers: curl in a throw-away container on the stack's frontend network, so it
 * has an address (and a rate-limit bucket) of its own, while every attacker on this host shares the bridge gateway's.
 * It sends a fixed number of {@code GET /health} at 8 requests/s, each on a new TLS connection (what slowloris and
 * idle connections would starve first), and returns each answer's status and total time.
 */
public final class NormalClients {

    static final int REQUESTS = 100;
    private static final String RATE = "8/s";

    private static Run baseline;

    private NormalClients() {}

    /** The normal client's figures with no attack running: measured once per run. */
    public static synchronized Run baseline(AcceptanceStack stack) {
        if (baseline == null) {
            run(stack); // warm-up: the api's and nginx's first requests of a path are slower
            baseline = run(stack);
        }
        return baseline;
    }

    /**
     * "Within their usual latency": the p99 under attack at most three times the p99 without one, or 300 ms above
     * it, whichever is larger (this 2-core machine's noise alone moves a p99 of tens of ms by tens of ms).
     */
    public static boolean withinUsualLatency(Run before, Run during) {
        return during.p99() <= Math.max(3 * before.p99(), before.p99() + 0.3);
    }

    /** One answer: HTTP status (000 = none) and curl's time_total. */
    public record Sample(int status, double seconds) {}

    /** The latencies of one run, sorted, with the statuses seen. */
    public record Run(List<Sample> samples) {
        public double p99() {
            List<Double> times = samples.stream().map(Sample::seconds).sorted().toList();
            return times.get((int) Math.ceil(0.99 * times.size()) - 1);
        }

        public double median() {
            List<Double> times = samples.stream().map(Sample::seconds).sorted().toList();
            return times.get(times.size() / 2);
        }

        public long notOk() {
            return samples.stream().filter(s -> s.status() != 200).count();
        }

        public String describe() {
            return String.format(
                    "%d requests, %d not 200, median %.0f ms, p99 %.0f ms",
                    samples.size(), notOk(), median() * 1000, p99() * 1000);
        }
    }

    public static Run run(AcceptanceStack stack) {
        String image = stack.environment().get("NGINX_IMAGE");
        Command.Result result = Command.of(
                        "docker",
                        "run",
                        "--rm",
                        "--network",
                        stack.project() + "_frontend",
                        "--cap-drop",
                        "ALL",
                        "--security-opt",
                        "no-new-privileges",
                        "--read-only",
                        "--user",
                        "101:101",
                        "-v",
                        stack.devCa().certificate() + ":/tmp/ca.crt:ro",
                        "--entrypoint",
                        "curl",
                        image,
                        "-sS",
                        "--cacert",
                        "/tmp/ca.crt",
                        "--rate",
                        RATE,
                        "--max-time",
                        "10",
                        "-H",
                        "Connection: close",
                        "-w",
                        "\\nPROBE %{http_code} %{time_total}\\n",
                        "https://proxy:8443/health?probe=[1-" + REQUESTS + "]")
                .timeout(Duration.ofMinutes(2))
                .run();
        List<Sample> samples = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            if (line.startsWith("PROBE ")) {
                String[] fields = line.split(" ");
                samples.add(new Sample(Integer.parseInt(fields[1]), Double.parseDouble(fields[2])));
            }
        }
        if (samples.size() != REQUESTS) {
            throw new AssertionError("the normal client's curl gave " + samples.size() + " of " + REQUESTS
                    + " answers:\n" + result.describe());
        }
        return new Run(samples);
    }
}
