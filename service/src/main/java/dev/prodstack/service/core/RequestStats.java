package dev.prodstack.service.core;

import java.util.concurrent.atomic.LongAdder;

/** Totals for the seed's JSON /metrics: every request, and those answered with a 4xx or 5xx (as the seed counts). */
public final class RequestStats {
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();

    public void record(int status) {
        requests.increment();
        if (status >= 400) {
            errors.increment();
        }
    }

    public long requests() {
        return requests.sum();
    }

    public long errors() {
        return errors.sum();
    }
}
