package dev.prodstack.acceptance.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Removes the stack when the JUnit session ends, after the last test class; the JVM shutdown
 * hook registered by {@link AcceptanceStack} covers runs that never get here (Ctrl-C, kill).
 */
public final class StackSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        AcceptanceStack.shutdown();
    }
}
