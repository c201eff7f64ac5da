package dev.prodstack.service.core;

import java.util.UUID;

/**
 * Whether this replica has finished warming up or begun to stop, and the secret that marks its own warm-up
 * requests. Until it is warm, /health answers 503 "starting", so no orchestrator or proxy sends clients to a JVM
 * that would still be compiling its hot paths under their load; once it is stopping, 503 "stopping", so proxies
 * drop it while it still serves (see {@code StopDelay}). The marker is random per process: a client cannot forge
 * it to hide its requests from the metrics and the access log.
 */
public final class Readiness {
    /** Request header that carries the marker on the replica's own warm-up traffic. */
    public static final String WARM_UP_HEADER = "X-Prodstack-Warm-Up";

    private final String marker = UUID.randomUUID().toString();
    private volatile boolean warm;
    private volatile boolean stopping;

    public static Readiness warm() {
        final Readiness readiness = new Readiness();
        readiness.markWarm();
        return readiness;
    }

    public boolean isWarm() {
        return warm;
    }

    public void markWarm() {
        warm = true;
    }

    public boolean isStopping() {
        return stopping;
    }

    public void markStopping() {
        stopping = true;
    }

    public String marker() {
        return marker;
    }

    public boolean isWarmUpRequest(String headerValue) {
        return headerValue != null && !warm && marker.equals(headerValue);
    }
}
