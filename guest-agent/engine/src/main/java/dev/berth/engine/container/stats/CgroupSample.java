package dev.berth.engine.container.stats;

import java.util.List;
import java.util.Map;

/**
 * One reading of a container's cgroup, in dockerd's units (nanoseconds, bytes), whichever cgroup version it
 * came from. Fields a version does not have are null (v2 has no per-CPU usage and no peak memory).
 *
 * @param pidsLimit 0 when unlimited, as dockerd leaves it out then
 */
public record CgroupSample(Cpu cpu, Memory memory, long pids, long pidsLimit, Blkio blkio) {

    /**
     * CPU time of the cgroup.
     *
     * @param perCpu  nanoseconds per CPU (v1 only; null on v2)
     * @param kernel  system time in nanoseconds
     * @param user    user time in nanoseconds
     */
    public record Cpu(long total, List<Long> perCpu, long kernel, long user, long periods, long throttledPeriods,
            long throttledTime) {}

    /**
     * Memory of the cgroup.
     *
     * @param maxUsage the peak (v1 only; null on v2)
     * @param limit    the cgroup's limit; {@code Long.MAX_VALUE} when there is none (clamped to the machine's
     *                 memory when shown, as dockerd does)
     * @param failcnt  v1's failcnt, v2's oom events
     * @param stats    dockerd's {@code memory_stats.stats}: v1 names (cache, total_inactive_file, …) or v2
     *                 names (anon, file, inactive_file, …)
     */
    public record Memory(long usage, Long maxUsage, long limit, long failcnt, Map<String, Long> stats) {}

    /** One {@code blkio_stats} entry, e.g. {@code 8:0 Read 4096}. */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    /**
     * Block I/O. v1 fills both lists (empty when the kernel reports nothing); v2 only the bytes, and dockerd
     * sends the other lists as null there.
     */
    public record Blkio(List<BlkioEntry> serviceBytes, List<BlkioEntry> serviced) {}
}
