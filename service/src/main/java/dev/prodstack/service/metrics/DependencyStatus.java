package dev.prodstack.service.metrics;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last known state of one dependency. Logs only transitions (up to down, down to up) so an outage is one
 * log line, not one per request, and mirrors the state in {@code prodstack_dependency_up}.
 */
public final class DependencyStatus {
    private static final Logger LOG = LoggerFactory.getLogger(DependencyStatus.class);

    private final String name;
    private final AppMetrics metrics;
    private final AtomicBoolean up = new AtomicBoolean(true);

    public DependencyStatus(String name, AppMetrics metrics) {
        this.name = name;
        this.metrics = metrics;
        metrics.dependencyUp(name, true);
    }

    public boolean isUp() {
        return up.get();
    }

    public void markUp() {
        if (up.compareAndSet(false, true)) {
            LOG.info("dependency {} is available again", name);
        }
        metrics.dependencyUp(name, true);
    }

    public void markDown(Throwable cause) {
        if (up.compareAndSet(true, false)) {
            LOG.warn("dependency {} is unavailable: {}", name, describe(cause));
        }
        metrics.dependencyUp(name, false);
    }

    /** The root cause's class and message: enough to diagnose, no stack trace per outage. */
    public static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == cause ? String.valueOf(cause) : cause.getClass().getSimpleName() + " caused by " + root;
    }
}
