package dev.berth.engine.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's cgroup as the host sees it, found from its init process's {@code /proc/PID/cgroup}, so the
 * same code reads Berth's ({@code /berth/<id>}) and dockerd's ({@code /docker/<id>}, or a systemd scope) on
 * cgroup v1, hybrid and v2 hosts. Values come back in Docker's terms whatever the file layout:
 * memory+swap rather than v2's swap alone, "quota period" for the CFS bandwidth.
 */
final class LimitsCgroup {
    private final Path root;
    private final String procCgroup;

    LimitsCgroup(Path root, String procCgroup) {
        this.root = root;
        this.procCgroup = procCgroup;
    }

    /** The cgroup of host process {@code pid} under /sys/fs/cgroup. */
    static LimitsCgroup ofPid(long pid) throws IOException {
        return new LimitsCgroup(Path.of("/sys/fs/cgroup"), read(Path.of("/proc/" + pid + "/cgroup")));
    }

    boolean unified() {
        return Files.exists(root.resolve("cgroup.controllers"));
    }

    /**
     * The directory of a v1 controller (its own hierarchy line, e.g. {@code 4:memory:/berth/<id>}, or a
     * co-mounted one such as {@code cpu,cpuacct}), or of the single v2 hierarchy ({@code 0::/...}).
     */
    Path dir(String controller) {
        for (String line : procCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (unified() && f[0].equals("0") && f[1].isEmpty()) {
                return root.resolve(f[2].substring(1));
            }
            if (!unified() && List.of(f[1].split(",")).contains(controller)) {
                return root.resolve(f[1]).resolve(f[2].substring(1));
            }
        }
        throw new IllegalStateException("no " + controller + " cgroup in:\n" + procCgroup);
    }

    /** memory.limit_in_bytes (v1) or memory.max (v2), "max" as v1's unlimited number. */
    long memory() throws IOException {
        return number(unified() ? file("memory", "memory.max") : file("memory", "memory.limit_in_bytes"));
    }

    /** Memory plus swap, Docker's MemorySwap: v1's memsw file, or v2's memory.max + memory.swap.max. */
    long memorySwap() throws IOException {
        if (!unified()) {
            return number(file("memory", "memory.memsw.limit_in_bytes"));
        }
        long swap = number(file("memory", "memory.swap.max"));
        return swap == Long.MAX_VALUE ? swap : memory() + swap;
    }

    /** "quota period" in microseconds; quota -1 when unlimited (v1's spelling of v2's "max"). */
    String cpuQuotaPeriod() throws IOException {
        if (unified()) {
            return file("cpu", "cpu.max").replace("max", "-1");
        }
        return file("cpu", "cpu.cfs_quota_us") + " " + file("cpu", "cpu.cfs_period_us");
    }

    /** cpu.shares (v1), or on v2 the shares runc's conversion to cpu.weight came from. */
    long cpuWeight() throws IOException {
        return Long.parseLong(unified() ? file("cpu", "cpu.weight") : file("cpu", "cpu.shares"));
    }

    /** runc's shares → cpu.weight conversion (1.1: 1 + ((shares - 2) * 9999) / 262142), for v2 hosts. */
    static long weightOfShares(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    String cpusetCpus() throws IOException {
        return file("cpuset", "cpuset.cpus");
    }

    String pidsMax() throws IOException {
        return file("pids", "pids.max");
    }

    /** How many forks the pids limit refused ("max N" in pids.events, v1 and v2 alike). */
    long pidsRefused() throws IOException {
        for (String line : file("pids", "pids.events").split("\n")) {
            if (line.startsWith("max ")) {
                return Long.parseLong(line.substring(4).trim());
            }
        }
        return 0;
    }

    String file(String controller, String name) throws IOException {
        return read(dir(controller).resolve(name)).trim();
    }

    private static long number(String value) {
        return value.equals("max") ? Long.MAX_VALUE : Long.parseLong(value);
    }

    /** cgroupfs and procfs report size 0: read as a stream. */
    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
        }
    }
}
