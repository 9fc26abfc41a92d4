package dev.berth.engine.container.cgroup;

/**
 * What this host offers a container's limits, the part of Docker's sysinfo its checks use: the CPU count
 * (for --cpus), the CPUs and memory nodes of the cpuset root (for --cpuset-*), and swap accounting (for
 * --memory-swap). Read when a container is created or updated, so a test can pass its own.
 *
 * @param cpus            CPUs the engine's JVM sees
 * @param cpusetCpus      the list of usable CPUs ("0-1"), empty if unknown
 * @param cpusetMems      the list of usable memory nodes ("0"), empty if unknown
 * @param swapAccounting  the kernel accounts swap per cgroup, so memory+swap limits can be set
 */
public record HostLimits(int cpus, String cpusetCpus, String cpusetMems, boolean swapAccounting) {

    /** This host, with {@code cpus} as the CPU count (the caller's Runtime.availableProcessors()). */
    public static HostLimits current(int cpus) {
        return new HostLimits(cpus, CpuSets.availableCpus(), CpuSets.availableMems(), SwapAccounting.available());
    }
}
