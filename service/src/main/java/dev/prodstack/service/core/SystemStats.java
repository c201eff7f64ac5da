package dev.prodstack.service.core;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Host and process figures for the seed's JSON /metrics (what the lesson reads with psutil). */
public final class SystemStats {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_SIZE = 4096;

    private SystemStats() {}

    /** Machine-wide CPU use in percent, as psutil.cpu_percent(); 0 where the JVM cannot tell. */
    public static double cpuPercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            final double load = os.getCpuLoad();
            return load < 0 ? 0 : round(load * 100);
        }
        return 0;
    }

    /** Resident memory of this process in MiB (what a container's memory limit is measured against). */
    public static double memoryMb() {
        try {
            final String[] fields = Files.readString(STATM).trim().split("\\s+");
            return round(Long.parseLong(fields[1]) * PAGE_SIZE / 1048576.0);
        } catch (IOException | RuntimeException e) {
            final Runtime runtime = Runtime.getRuntime();
            return round((runtime.totalMemory() - runtime.freeMemory()) / 1048576.0);
        }
    }

    /** Used share of the root file system in percent, as psutil.disk_usage('/').percent. */
    public static double diskUsagePercent() {
        final File root = new File("/");
        final long total = root.getTotalSpace();
        return total == 0 ? 0 : round(100.0 * (total - root.getUsableSpace()) / total);
    }

    public static long processId() {
        return ProcessHandle.current().pid();
    }

    public static String hostname() {
        final String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
