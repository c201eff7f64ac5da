package dev.prodstack.service.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The resources this process may use, so dashboards and alerts can say "memory at 80% of the limit" (a seed
 * KPI) without knowing how the container was started: the cgroup's memory limit, or the machine's memory.
 */
final class ContainerLimits {
    private static final List<Path> MEMORY_LIMIT_FILES = List.of(
            Path.of("/sys/fs/cgroup/memory.max"), // cgroup v2
            Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes")); // cgroup v1

    private ContainerLimits() {}

    static long memoryLimitBytes() {
        final long physical = physicalMemoryBytes();
        for (Path file : MEMORY_LIMIT_FILES) {
            final long limit = readLimit(file);
            // v1 reports "unlimited" as a huge number; v2 as "max" (read as -1 here).
            if (limit > 0 && (physical <= 0 || limit < physical)) {
                return limit;
            }
        }
        return physical;
    }

    static int cpuLimitCores() {
        // The JVM already folds cgroup CPU quotas into this figure.
        return Runtime.getRuntime().availableProcessors();
    }

    private static long readLimit(Path file) {
        try {
            final String value = Files.readString(file).trim();
            return value.equals("max") ? -1 : Long.parseLong(value);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
