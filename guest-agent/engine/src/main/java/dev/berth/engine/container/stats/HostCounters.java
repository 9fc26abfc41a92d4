package dev.berth.engine.container.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host-wide figures dockerd puts next to a container's: {@code system_cpu_usage} and
 * {@code online_cpus} from {@code /proc/stat}, and the machine's memory, the {@code limit} shown for a
 * container without one. Rooted at a {@code /proc} directory so tests can use copied files.
 */
public final class HostCounters {
    /** USER_HZ, the unit of /proc/stat on every Linux architecture Berth runs on. */
    private static final long NANOS_PER_TICK = 10_000_000;

    private final Path proc;

    public HostCounters(Path proc) {
        this.proc = proc;
    }

    /** The host's CPU time and online CPUs at one moment. */
    public record Cpu(long systemUsage, int onlineCpus) {}

    /**
     * As dockerd's {@code getSystemCPUUsage}: the first seven fields of the {@code cpu} line (user, nice,
     * system, idle, iowait, irq, softirq; not steal) in nanoseconds, and the number of {@code cpuN} lines.
     */
    public Cpu cpu() {
        List<String> lines = lines("stat");
        long ticks = 0;
        int cpus = 0;
        for (String line : lines) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i <= 7 && i < f.length; i++) {
                    ticks += Long.parseLong(f[i]);
                }
            } else if (line.startsWith("cpu")) {
                cpus++;
            }
        }
        return new Cpu(ticks * NANOS_PER_TICK, cpus);
    }

    /** MemTotal in bytes; 0 if /proc/meminfo does not say (dockerd then shows the cgroup's limit as is). */
    public long machineMemory() {
        for (String line : lines("meminfo")) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.trim().split("\\s+");
                return Long.parseLong(f[1]) * 1024;
            }
        }
        return 0;
    }

    private List<String> lines(String name) {
        try {
            return Files.readAllLines(proc.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc.resolve(name) + ": " + e.getMessage(), e);
        }
    }
}
