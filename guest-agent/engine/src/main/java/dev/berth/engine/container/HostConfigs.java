package dev.berth.engine.container;

import dev.berth.engine.container.cgroup.HostLimits;
import dev.berth.engine.container.cgroup.LimitChecks;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import java.util.Map;

/**
 * Validation and defaults of a HostConfig, with Docker's error texts: the cgroup limits by
 * {@link LimitChecks}, the policies here, and the memory+swap limit as Docker stores it (twice the memory
 * when unset, -1 where the kernel cannot limit swap).
 */
public final class HostConfigs {
    /** Docker's warning for a memory limit on a kernel without swap accounting (moby daemon_unix.go). */
    public static final String NO_SWAP_LIMIT_WARNING = "Your kernel does not support swap limit capabilities or the "
            + "cgroup is not mounted. Memory limited without swap.";

    private HostConfigs() {}

    /** An empty HostConfig (all fields unset), for requests without one. */
    public static HostConfig empty() {
        return new HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** Checks a create request's limits and policies against this host; returns it with Docker's defaults. */
    public static HostConfig withDefaults(HostConfig h, int cpus) {
        return withDefaults(h, HostLimits.current(cpus), false);
    }

    /**
     * Checks limits and policies; returns the config with Docker's defaults filled in. {@code update} relaxes
     * what Docker relaxes for a config reached by {@code docker update}.
     */
    public static HostConfig withDefaults(HostConfig h, HostLimits host, boolean update) {
        HostConfig hc = h == null ? empty() : h;
        long swap = swapOnThisKernel(hc.memory(), hc.memorySwap(), host);
        LimitChecks.verify(hc, swap, host, update);
        // a bad ulimit or tmpfs is refused at create, not left to fail at start
        SpecInputs.ulimits(hc);
        SpecInputs.tmpfsMounts(hc);
        HostConfig.RestartPolicy rp = restartPolicy(hc);
        return copy(hc, logConfig(hc), rp,
                hc.networkMode() == null || hc.networkMode().isEmpty() ? "default" : hc.networkMode(),
                defaultSwap(n(hc.memory()), swap, hc.memorySwap()));
    }

    private static HostConfig.RestartPolicy restartPolicy(HostConfig hc) {
        HostConfig.RestartPolicy rp = hc.restartPolicy() == null ? new HostConfig.RestartPolicy("", 0)
                : hc.restartPolicy();
        String name = rp.name() == null ? "" : rp.name();
        int retries = rp.maximumRetryCount() == null ? 0 : rp.maximumRetryCount();
        checkRestartPolicy(name, retries);
        if (hc.isAutoRemove() && !name.isEmpty() && !name.equals("no")) {
            throw new InvalidArgumentException("can't create 'AutoRemove' container with restart policy");
        }
        return new HostConfig.RestartPolicy(name, retries);
    }

    private static HostConfig.LogConfig logConfig(HostConfig hc) {
        HostConfig.LogConfig lc = hc.logConfig() == null || hc.logConfig().type() == null || hc.logConfig().type().isEmpty()
                ? new HostConfig.LogConfig("json-file", hc.logConfig() == null || hc.logConfig().config() == null
                        ? Map.of() : hc.logConfig().config())
                : hc.logConfig();
        if (!lc.type().equals("json-file") && !lc.type().equals("none") && !lc.type().equals("local")) {
            throw new InvalidArgumentException("logging driver " + lc.type() + " is not supported; use json-file");
        }
        return lc;
    }

    /** The warnings Docker returns with a create or update answer for this request on this host. */
    public static List<String> warnings(HostConfig h, HostLimits host) {
        if (h != null && n(h.memory()) > 0 && n(h.memorySwap()) != -1 && !host.swapAccounting()) {
            return List.of(NO_SWAP_LIMIT_WARNING);
        }
        return List.of();
    }

    /**
     * Docker's first step: without swap accounting a memory limit cannot include swap, so the memory+swap
     * limit becomes -1 (unlimited; nothing reaches the cgroup) and only the memory limit holds.
     */
    static long swapOnThisKernel(Long memory, Long memorySwap, HostLimits host) {
        return n(memory) > 0 && n(memorySwap) != -1 && !host.swapAccounting() ? -1 : n(memorySwap);
    }

    /** Docker's second step (adaptContainerSettings): an unset memory+swap limit is twice the memory. */
    private static Long defaultSwap(long memory, long swap, Long original) {
        if (memory > 0 && swap == 0) {
            return memory * 2;
        }
        return swap == n(original) ? original : Long.valueOf(swap);
    }

    /**
     * moby's ValidateRestartPolicy (API 1.44, Engine 25+), word for word: clients and compose show these texts.
     * An empty name takes any count, as engines before 25.0 created it so.
     */
    static void checkRestartPolicy(String name, int retries) {
        switch (name) {
            case "always", "unless-stopped", "no" -> {
                if (retries != 0) {
                    throw new InvalidArgumentException("invalid restart policy: maximum retry count can only be used "
                            + "with 'on-failure'" + (retries < 0 ? " and cannot be negative" : ""));
                }
            }
            case "on-failure" -> {
                if (retries < 0) {
                    throw new InvalidArgumentException("invalid restart policy: maximum retry count cannot be negative");
                }
            }
            case "" -> {
                // accepted with any count
            }
            default -> throw new InvalidArgumentException("invalid restart policy: unknown policy '" + name
                    + "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        }
    }

    private static HostConfig copy(HostConfig h, HostConfig.LogConfig lc, HostConfig.RestartPolicy rp, String net,
            Long memorySwap) {
        return new HostConfig(h.binds(), h.containerIdFile(), lc, net, h.portBindings(), rp, h.autoRemove(),
                h.volumeDriver(), h.volumesFrom(), h.consoleSize(), h.capAdd(), h.capDrop(), h.cgroupnsMode(), h.dns(),
                h.dnsOptions(), h.dnsSearch(), h.extraHosts(), h.groupAdd(), h.ipcMode(), h.cgroup(), h.links(),
                h.oomScoreAdj(), h.pidMode(), h.privileged(), h.publishAllPorts(), h.readonlyRootfs(), h.securityOpt(),
                h.tmpfs(), h.utsMode(), h.usernsMode(), h.shmSize(), h.sysctls(), h.runtime(), h.isolation(),
                h.cpuShares(), h.memory(), h.nanoCpus(), h.cgroupParent(), h.blkioWeight(), h.cpuPeriod(),
                h.cpuQuota(), h.cpusetCpus(), h.cpusetMems(), h.devices(), h.memoryReservation(), memorySwap,
                h.memorySwappiness(), h.oomKillDisable(), h.pidsLimit(), h.ulimits(), h.init(), h.mounts(),
                h.maskedPaths(), h.readonlyPaths());
    }

    /**
     * {@code docker update}: the request checked as Docker checks it (swap rewritten for this kernel first),
     * refused where it conflicts with what the container already has, then merged: non-zero fields replace the
     * stored ones. The result is checked again as a whole.
     *
     * @throws ConflictException with Docker's text, for the caller to prefix with "Cannot update container"
     */
    public static HostConfig update(HostConfig h, HostConfig u, HostLimits host) {
        long swap = swapOnThisKernel(u.memory(), u.memorySwap(), host);
        LimitChecks.verify(u, swap, host, true);
        conflicts(h, u, swap);
        HostConfig merged = new HostConfig(h.binds(), h.containerIdFile(), h.logConfig(), h.networkMode(),
                h.portBindings(),
                u.restartPolicy() != null && u.restartPolicy().name() != null ? u.restartPolicy() : h.restartPolicy(),
                h.autoRemove(), h.volumeDriver(), h.volumesFrom(), h.consoleSize(), h.capAdd(), h.capDrop(),
                h.cgroupnsMode(), h.dns(), h.dnsOptions(), h.dnsSearch(), h.extraHosts(), h.groupAdd(), h.ipcMode(),
                h.cgroup(), h.links(), h.oomScoreAdj(), h.pidMode(), h.privileged(), h.publishAllPorts(),
                h.readonlyRootfs(), h.securityOpt(), h.tmpfs(), h.utsMode(), h.usernsMode(), h.shmSize(), h.sysctls(),
                h.runtime(), h.isolation(), pick(u.cpuShares(), h.cpuShares()), pick(u.memory(), h.memory()),
                pick(u.nanoCpus(), h.nanoCpus()), h.cgroupParent(), pick(u.blkioWeight(), h.blkioWeight()),
                pick(u.cpuPeriod(), h.cpuPeriod()), pick(u.cpuQuota(), h.cpuQuota()),
                u.cpusetCpus() != null && !u.cpusetCpus().isEmpty() ? u.cpusetCpus() : h.cpusetCpus(),
                u.cpusetMems() != null && !u.cpusetMems().isEmpty() ? u.cpusetMems() : h.cpusetMems(), h.devices(),
                pick(u.memoryReservation(), h.memoryReservation()), pick(swap == 0 ? null : swap, h.memorySwap()),
                h.memorySwappiness(), h.oomKillDisable(), pick(u.pidsLimit(), h.pidsLimit()), h.ulimits(), h.init(),
                h.mounts(), h.maskedPaths(), h.readonlyPaths());
        return withDefaults(merged, host, true);
    }

    /**
     * Docker's UpdateContainer refusals (moby container_unix.go): --cpus against a stored period or quota and
     * the reverse, and a memory limit above the stored memory+swap limit without a new one (the kernel would
     * refuse memory above memory+swap, and Docker will not guess the swap).
     */
    static void conflicts(HostConfig h, HostConfig u, long requestSwap) {
        if (n(u.nanoCpus()) > 0 && n(h.cpuPeriod()) > 0) {
            throw new ConflictException("Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
        }
        if (n(u.nanoCpus()) > 0 && n(h.cpuQuota()) > 0) {
            throw new ConflictException("Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
        }
        if (n(u.cpuPeriod()) > 0 && n(h.nanoCpus()) > 0) {
            throw new ConflictException("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
        }
        if (n(u.cpuQuota()) > 0 && n(h.nanoCpus()) > 0) {
            throw new ConflictException("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
        }
        if (n(u.memory()) != 0 && n(u.memory()) > n(h.memorySwap()) && requestSwap == 0) {
            throw new ConflictException("Memory limit should be smaller than already set memoryswap limit, "
                    + "update the memoryswap at the same time");
        }
    }

    private static <T extends Number> T pick(T update, T current) {
        return update != null && update.longValue() != 0 ? update : current;
    }

    static long n(Number v) {
        return v == null ? 0 : v.longValue();
    }

    /** The OCI runtime's name for this container: Docker's "runc" unless the request picked one. */
    public static String runtime(HostConfig h, List<String> available, String fallback) {
        String r = h.runtime();
        if (r == null || r.isEmpty()) {
            return fallback;
        }
        if (!available.contains(r)) {
            throw new InvalidArgumentException("unknown or invalid runtime name: " + r);
        }
        return r;
    }
}
