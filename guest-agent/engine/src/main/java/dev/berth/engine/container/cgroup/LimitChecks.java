package dev.berth.engine.container.cgroup;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;

/**
 * Docker's checks of a container's cgroup limits (moby daemon_unix.go verifyPlatformContainerResources and
 * the OOM score range of verifyPlatformContainerSettings), in Docker's order and with its exact texts, so
 * a bad limit is a 400 at create or update and never a runc failure at start.
 */
public final class LimitChecks {
    /** Docker refuses memory limits below 6 MiB: a container cannot even start under that. */
    public static final long MIN_MEMORY = 6L << 20;

    private LimitChecks() {}

    /**
     * Checks {@code h} with {@code memorySwap} as its memory+swap limit (already -1 where the host has no
     * swap accounting, as Docker rewrites it before this check). {@code update} relaxes what Docker relaxes
     * for {@code docker update}: a swap limit without a memory limit in the same request.
     *
     * @throws InvalidArgumentException with Docker's text
     */
    public static void verify(HostConfig h, long memorySwap, HostLimits host, boolean update) {
        memory(h, memorySwap, update);
        cpu(h, host);
        cpuset(h, host);
        long weight = n(h.blkioWeight());
        if (weight > 0 && (weight < 10 || weight > 1000)) {
            throw new InvalidArgumentException("Range of blkio weight is from 10 to 1000");
        }
        long oom = n(h.oomScoreAdj());
        if (oom < -1000 || oom > 1000) {
            throw new InvalidArgumentException("Invalid value " + oom + ", range for oom score adj is [-1000, 1000]");
        }
    }

    static void memory(HostConfig h, long swap, boolean update) {
        long memory = n(h.memory());
        if (memory != 0 && memory < MIN_MEMORY) {
            throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
        }
        if (memory > 0 && swap > 0 && swap < memory) {
            throw new InvalidArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (memory == 0 && swap > 0 && !update) {
            throw new InvalidArgumentException(
                    "You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        // -1 is the API's "unset" (moby fixMemorySwappiness)
        Long swappiness = h.memorySwappiness();
        if (swappiness != null && swappiness != -1 && (swappiness < 0 || swappiness > 100)) {
            throw new InvalidArgumentException("Invalid value: " + swappiness + ", valid memory swappiness range is 0-100");
        }
        long reservation = n(h.memoryReservation());
        if (reservation > 0 && reservation < MIN_MEMORY) {
            throw new InvalidArgumentException("Minimum memory reservation allowed is 6MB");
        }
        if (memory > 0 && reservation > 0 && memory < reservation) {
            throw new InvalidArgumentException(
                    "Minimum memory limit can not be less than memory reservation limit, see usage");
        }
    }

    static void cpu(HostConfig h, HostLimits host) {
        long nano = n(h.nanoCpus());
        long period = n(h.cpuPeriod());
        long quota = n(h.cpuQuota());
        if (nano > 0 && period > 0) {
            throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (nano > 0 && quota > 0) {
            throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        }
        if (nano != 0 && (nano < 0 || nano > (long) host.cpus() * 1_000_000_000L)) {
            // capital R as the reference dockerd 20.10 words it; current moby lower-cases it
            throw new InvalidArgumentException("Range of CPUs is from 0.01 to " + host.cpus()
                    + ".00, as there are only " + host.cpus() + " CPUs available");
        }
        if (n(h.cpuShares()) < 0) {
            // stricter than Docker, which passes a negative weight on to fail in the runtime at start
            throw new InvalidArgumentException("invalid CPU shares: " + h.cpuShares());
        }
        if (period != 0 && (period < 1000 || period > 1_000_000)) {
            throw new InvalidArgumentException(
                    "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        if (quota > 0 && quota < 1000) {
            throw new InvalidArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
    }

    static void cpuset(HostConfig h, HostLimits host) {
        check(h.cpusetCpus(), host.cpusetCpus(), "cpus", "CPUs");
        check(h.cpusetMems(), host.cpusetMems(), "mems", "memory nodes");
    }

    private static void check(String requested, String available, String kind, String what) {
        if (requested == null || requested.isEmpty()) {
            return;
        }
        boolean ok;
        try {
            ok = CpuSets.subset(requested, available);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("Invalid value " + requested + " for cpuset " + kind + ": "
                    + e.getMessage());
        }
        if (!ok) {
            throw new InvalidArgumentException("Requested " + what + " are not available - requested " + requested
                    + ", available: " + available);
        }
    }

    private static long n(Number v) {
        return v == null ? 0 : v.longValue();
    }
}
