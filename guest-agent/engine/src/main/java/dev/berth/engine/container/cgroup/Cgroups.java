package dev.berth.engine.container.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reading a container's cgroup, on cgroup v2 (the guest VM) and v1 or hybrid layouts (hosts such as this
 * one). The runtime creates the cgroups from the spec; the engine reads them for OOM kills and statistics.
 */
public final class Cgroups {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private Cgroups() {}

    public static boolean unified() {
        return Files.exists(ROOT.resolve("cgroup.controllers"));
    }

    /** The directory of {@code controller} (ignored on v2) for the runtime's cgroup path. */
    public static Path dir(String controller, String cgroupsPath) {
        String rel = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        return unified() ? ROOT.resolve(rel) : ROOT.resolve(controller).resolve(rel);
    }

    /** True if the kernel's OOM killer killed a process of this cgroup (read before the cgroup is removed). */
    public static boolean oomKilled(String cgroupsPath) {
        Path file = unified() ? dir("", cgroupsPath).resolve("memory.events")
                : dir("memory", cgroupsPath).resolve("memory.oom_control");
        return counter(file, "oom_kill").map(n -> n > 0).orElse(false);
    }

    /** A "key value" line of a cgroup stat file, e.g. {@code oom_kill 1}. */
    public static Optional<Long> counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals(key)) {
                    return Optional.of(Long.parseLong(f[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone or unreadable: nothing to report
        }
        return Optional.empty();
    }

    /** The processes in a container's cgroup (host PIDs); empty when the cgroup is gone. */
    public static List<Long> pids(String cgroupsPath) {
        Path file = (unified() ? dir("", cgroupsPath) : dir("pids", cgroupsPath)).resolve("cgroup.procs");
        if (!unified() && !Files.exists(file)) {
            file = dir("memory", cgroupsPath).resolve("cgroup.procs"); // v1 hosts without the pids controller
        }
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).map(Long::parseLong)
                    .toList();
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }
}
