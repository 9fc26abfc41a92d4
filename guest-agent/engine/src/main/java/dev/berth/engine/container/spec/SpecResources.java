package dev.berth.engine.container.spec;

import dev.berth.engine.errors.InvalidArgumentException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Cgroup resources, the device allow-list and rlimits, as moby's oci_linux.go writes them. */
final class SpecResources {
    /** Ulimit names Docker accepts (go-units ulimit.go). */
    static final Set<String> ULIMIT_NAMES = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock",
            "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private SpecResources() {}

    /** memory, cpu, pids, blockIO: only what is set, so the runtime leaves the rest to the parent cgroup. */
    static Map<String, Object> build(SpecInput.Resources r) {
        Map<String, Object> resources = new LinkedHashMap<>();
        Map<String, Object> memory = new LinkedHashMap<>();
        putPositive(memory, "limit", r.memory());
        putPositive(memory, "reservation", r.memoryReservation());
        if (r.memorySwap() > 0 || r.memorySwap() == -1) {
            memory.put("swap", r.memorySwap()); // memory+swap, -1 = unlimited swap
        }
        if (r.oomKillDisable()) {
            memory.put("disableOOMKiller", true);
        }
        putIfNotEmpty(resources, "memory", memory);
        Map<String, Object> cpu = new LinkedHashMap<>();
        putPositive(cpu, "shares", r.cpuShares());
        putPositive(cpu, "quota", r.cpuQuota());
        putPositive(cpu, "period", r.cpuPeriod());
        if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty()) {
            cpu.put("cpus", r.cpusetCpus());
        }
        if (r.cpusetMems() != null && !r.cpusetMems().isEmpty()) {
            cpu.put("mems", r.cpusetMems());
        }
        putIfNotEmpty(resources, "cpu", cpu);
        if (r.pidsLimit() > 0) {
            resources.put("pids", Map.of("limit", r.pidsLimit()));
        }
        if (r.blkioWeight() > 0) {
            resources.put("blockIO", Map.of("weight", r.blkioWeight()));
        }
        return resources;
    }

    /**
     * Deny everything, then Docker's default device allow-list (moby oci_linux.go): mknod of any node, and
     * use of null, zero, full, random, urandom, tty, console, ptmx, the pty slaves and /dev/net/tun.
     * Privileged containers may use every device.
     */
    static List<Map<String, Object>> deviceRules(boolean privileged) {
        List<Map<String, Object>> rules = new ArrayList<>();
        if (privileged) {
            rules.add(device(true, "a", null, null, "rwm"));
            return rules;
        }
        rules.add(device(false, "a", null, null, "rwm"));
        rules.add(device(true, "c", null, null, "m"));
        rules.add(device(true, "b", null, null, "m"));
        rules.add(device(true, "c", 1L, 3L, "rwm"));   // /dev/null
        rules.add(device(true, "c", 1L, 5L, "rwm"));   // /dev/zero
        rules.add(device(true, "c", 1L, 7L, "rwm"));   // /dev/full
        rules.add(device(true, "c", 1L, 8L, "rwm"));   // /dev/random
        rules.add(device(true, "c", 1L, 9L, "rwm"));   // /dev/urandom
        rules.add(device(true, "c", 5L, 0L, "rwm"));   // /dev/tty
        rules.add(device(true, "c", 5L, 1L, "rwm"));   // /dev/console
        rules.add(device(true, "c", 5L, 2L, "rwm"));   // /dev/ptmx
        rules.add(device(true, "c", 136L, null, "rwm")); // /dev/pts/*
        rules.add(device(true, "c", 10L, 200L, "rwm")); // /dev/net/tun
        return rules;
    }

    /** {@code process.rlimits} from Docker ulimits; negative values are RLIM_INFINITY as uint64, as in moby. */
    static List<Map<String, Object>> rlimits(List<SpecInput.Ulimit> ulimits) {
        List<Map<String, Object>> rlimits = new ArrayList<>();
        for (SpecInput.Ulimit u : ulimits == null ? List.<SpecInput.Ulimit>of() : ulimits) {
            String name = u.name() == null ? "" : u.name().toLowerCase(Locale.ROOT);
            if (!ULIMIT_NAMES.contains(name)) {
                throw new InvalidArgumentException("invalid ulimit type: " + u.name());
            }
            if (u.soft() >= 0 && u.hard() >= 0 && u.soft() > u.hard()) {
                throw new InvalidArgumentException("ulimit soft limit must be less than or equal to hard limit: "
                        + u.soft() + " > " + u.hard());
            }
            Map<String, Object> rlimit = new LinkedHashMap<>();
            rlimit.put("type", "RLIMIT_" + name.toUpperCase(Locale.ROOT));
            rlimit.put("soft", unsigned(u.soft()));
            rlimit.put("hard", unsigned(u.hard()));
            rlimits.add(rlimit);
        }
        return rlimits;
    }

    static BigInteger unsigned(long value) {
        BigInteger v = BigInteger.valueOf(value);
        return value < 0 ? v.add(TWO_TO_64) : v;
    }

    private static Map<String, Object> device(boolean allow, String type, Long major, Long minor,
            String access) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("allow", allow);
        rule.put("type", type);
        if (major != null) {
            rule.put("major", major);
        }
        if (minor != null) {
            rule.put("minor", minor);
        }
        rule.put("access", access);
        return rule;
    }

    private static void putPositive(Map<String, Object> map, String key, long value) {
        if (value > 0) {
            map.put(key, value);
        }
    }

    private static void putIfNotEmpty(Map<String, Object> map, String key, Map<String, Object> value) {
        if (!value.isEmpty()) {
            map.put(key, value);
        }
    }
}
