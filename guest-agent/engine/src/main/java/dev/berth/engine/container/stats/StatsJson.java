package dev.berth.engine.container.stats;

import dev.berth.engine.container.stats.CgroupSample.BlkioEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sample as dockerd encodes its {@code StatsResponse}: the same keys, Go's {@code omitempty} where dockerd
 * has it (an absent {@code percpu_usage} on v2, no {@code networks} without interfaces), nulls where Go has
 * nil slices, and Go's zero time for "never". (Key order differs: the engine's JSON writer sorts keys, which
 * no client depends on.) The CLI computes CPU % from {@code cpu_stats} minus
 * {@code precpu_stats} over the same difference of {@code system_cpu_usage}, times {@code online_cpus}.
 */
public final class StatsJson {
    /** Go's zero time, which dockerd prints for a {@code preread} that has not happened. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final List<String> BLKIO_KEYS = List.of("io_service_bytes_recursive", "io_serviced_recursive",
            "io_queue_recursive", "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive",
            "io_time_recursive", "sectors_recursive");

    private StatsJson() {}

    /**
     * The body for {@code current} with {@code previous} as {@code pre*} ({@link StatsSample#NONE} for none);
     * {@code machineMemory} caps the limit of a container without one, as dockerd does.
     */
    public static Map<String, Object> render(StatsSample current, StatsSample previous, String name, String id,
            long machineMemory) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("read", time(current.read()));
        m.put("preread", time(previous.read()));
        m.put("pids_stats", pids(current.cgroup()));
        m.put("blkio_stats", blkio(current.cgroup()));
        m.put("num_procs", 0);
        m.put("storage_stats", Map.of());
        m.put("cpu_stats", cpu(current));
        m.put("precpu_stats", cpu(previous));
        m.put("memory_stats", memory(current.cgroup(), machineMemory));
        m.put("name", name);
        m.put("id", id);
        if (!current.networks().isEmpty()) {
            m.put("networks", networks(current.networks()));
        }
        return m;
    }

    private static String time(Instant t) {
        return t == null ? ZERO_TIME : t.toString();
    }

    private static Map<String, Object> pids(CgroupSample cg) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (cg != null && cg.pids() != 0) {
            m.put("current", cg.pids());
        }
        if (cg != null && cg.pidsLimit() != 0) {
            m.put("limit", cg.pidsLimit());
        }
        return m;
    }

    /** v1: every list, empty when the kernel counts nothing; v2 and no cgroup: only what exists, else null. */
    private static Map<String, Object> blkio(CgroupSample cg) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : BLKIO_KEYS) {
            m.put(key, null);
        }
        if (cg == null) {
            return m;
        }
        boolean v1 = cg.blkio().serviced() != null;
        if (v1) {
            BLKIO_KEYS.forEach(k -> m.put(k, List.of()));
            m.put("io_serviced_recursive", entries(cg.blkio().serviced()));
        }
        List<BlkioEntry> bytes = cg.blkio().serviceBytes();
        m.put("io_service_bytes_recursive", v1 || !bytes.isEmpty() ? entries(bytes) : null);
        return m;
    }

    private static List<Map<String, Object>> entries(List<BlkioEntry> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (BlkioEntry e : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("major", e.major());
            m.put("minor", e.minor());
            m.put("op", e.op());
            m.put("value", e.value());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> cpu(StatsSample s) {
        CgroupSample.Cpu c = s.none() ? null : s.cgroup().cpu();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", c == null ? 0 : c.total());
        if (c != null && c.perCpu() != null && !c.perCpu().isEmpty()) {
            usage.put("percpu_usage", c.perCpu());
        }
        usage.put("usage_in_kernelmode", c == null ? 0 : c.kernel());
        usage.put("usage_in_usermode", c == null ? 0 : c.user());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_usage", usage);
        if (s.host() != null) {
            m.put("system_cpu_usage", s.host().systemUsage());
            m.put("online_cpus", s.host().onlineCpus());
        }
        Map<String, Object> throttling = new LinkedHashMap<>();
        throttling.put("periods", c == null ? 0 : c.periods());
        throttling.put("throttled_periods", c == null ? 0 : c.throttledPeriods());
        throttling.put("throttled_time", c == null ? 0 : c.throttledTime());
        m.put("throttling_data", throttling);
        return m;
    }

    private static Map<String, Object> memory(CgroupSample cg, long machineMemory) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (cg == null) {
            return m;
        }
        CgroupSample.Memory mem = cg.memory();
        m.put("usage", mem.usage());
        if (mem.maxUsage() != null && mem.maxUsage() != 0) {
            m.put("max_usage", mem.maxUsage());
        }
        m.put("stats", mem.stats());
        if (mem.failcnt() != 0) {
            m.put("failcnt", mem.failcnt());
        }
        m.put("limit", machineMemory > 0 && mem.limit() > machineMemory ? machineMemory : mem.limit());
        return m;
    }

    private static Map<String, Object> networks(Map<String, NetDev.Counters> nets) {
        Map<String, Object> out = new TreeMap<>();
        nets.forEach((name, n) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rx_bytes", n.rxBytes());
            m.put("rx_packets", n.rxPackets());
            m.put("rx_errors", n.rxErrors());
            m.put("rx_dropped", n.rxDropped());
            m.put("tx_bytes", n.txBytes());
            m.put("tx_packets", n.txPackets());
            m.put("tx_errors", n.txErrors());
            m.put("tx_dropped", n.txDropped());
            out.put(name, m);
        });
        return out;
    }
}
