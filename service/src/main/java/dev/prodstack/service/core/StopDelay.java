package dev.prodstack.service.core;

import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replica that was told to stop (SIGTERM) serving for {@code delay} before Jetty's graceful shutdown
 * begins, with /health answering 503 "stopping". Once that shutdown begins, Jetty answers 503 to every new request,
 * also on connections a proxy already holds, and nginx may not retry a POST it has sent. Swarm takes a stopping
 * task out of its DNS 2 s before the signal and the edge's watcher looks every 2 s (and drops a "stopping" address
 * in compose, whose DNS keeps it until the container exits): after the delay no proxy sends here any more, and the
 * drain that follows only finishes requests already running.
 *
 * <p>Jetty calls {@link #lifeCycleStopping} from its shutdown hook before it stops anything, so the wait happens
 * there. Zero (the default of the tests) stops at once.
 */
public final class StopDelay implements LifeCycle.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(StopDelay.class);

    private final Readiness readiness;
    private final Duration delay;

    public StopDelay(Readiness readiness, Duration delay) {
        this.readiness = readiness;
        this.delay = delay;
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        if (!(event instanceof Server)) {
            return;
        }
        readiness.markStopping();
        if (delay.isZero()) {
            return;
        }
        LOG.info(
                "stopping: /health answers 503 \"stopping\"; still serving for {} ms so that proxies drop this"
                        + " replica first",
                delay.toMillis());
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            // Nothing interrupts Jetty's shutdown thread today; if something does, stop waiting: the drain still runs.
            Thread.currentThread().interrupt();
        }
    }
}
