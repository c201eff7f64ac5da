package dev.prodstack.acceptance.swarm;

import dev.prodstack.acceptance.swarm.SteadyTraffic.Answer;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What one scenario's traffic saw, split at the event: requests sent, answered, failed, p99
 * before the event against p99 during it, and the time from the event's start to steady state
 * (the start of the last request that failed or was abnormally slow, i.e. from then on every
 * answer was normal).
 */
record ScenarioReport(String scenario, List<Answer> answers, long eventStartMs, Predicate<Answer> failed) {

    /** Slower than this (and than 3 x p99 before the event) counts as disturbed, not steady. */
    private static final long SLOW_FLOOR_MS = 500;

    int sent() {
        return answers.size();
    }

    int answered() {
        return (int) answers.stream().filter(answer -> answer.status() != 0).count();
    }

    List<Answer> failures() {
        return answers.stream().filter(failed).toList();
    }

    long p99BeforeMs() {
        return p99(answers.stream()
                .filter(answer -> answer.startedMs() < eventStartMs)
                .toList());
    }

    long p99DuringMs() {
        long steady = eventStartMs + steadyAfterMs();
        return p99(answers.stream()
                .filter(answer -> answer.startedMs() >= eventStartMs
                        && answer.startedMs() <= Math.max(steady, eventStartMs + 1000))
                .toList());
    }

    /** Milliseconds from the event's start until every later answer was normal (0: never disturbed). */
    long steadyAfterMs() {
        long slow = Math.max(SLOW_FLOOR_MS, 3 * p99BeforeMs());
        return answers.stream()
                .filter(answer -> answer.startedMs() >= eventStartMs)
                .filter(answer -> failed.test(answer) || answer.latencyMs() > slow)
                .mapToLong(answer -> answer.startedMs() + answer.latencyMs() - eventStartMs)
                .max()
                .orElse(0);
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "SWARM %-22s sent=%d answered=%d failed=%d p99_before=%dms p99_during=%dms steady_after=%.1fs",
                scenario,
                sent(),
                answered(),
                failures().size(),
                p99BeforeMs(),
                p99DuringMs(),
                steadyAfterMs() / 1000.0);
    }

    static long p99(List<Answer> sample) {
        if (sample.isEmpty()) {
            return 0;
        }
        long[] latencies = sample.stream().mapToLong(Answer::latencyMs).sorted().toArray();
        return latencies[Math.min(latencies.length - 1, (int) Math.ceil(latencies.length * 0.99) - 1)];
    }
}
