package dev.berth.engine.container;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validation and defaults of a HostConfig, with Docker's error texts. */
public final class HostConfigs {
    /** Docker refuses memory limits below 6 MiB: a container cannot even start under that. */
    static final long MIN_MEMORY = 6L << 20;
    private static final Set<String> POLICIES = Set.of("", "no", "always", "unless-stopped", "on-failure");

    private HostConfigs() {}

    /** An empty HostConfig (all fields unset), for requests without one. */
    public static HostConfig empty() {
        return new HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** Checks limits and policies; returns the config with Docker's defaults filled in. */
    public static HostConfig withDefaults(HostConfig h, int cpus) {
        HostConfig hc = h == null ? empty() : h;
        long memory = n(hc.memory());
        if (memory != 0 && memory < MIN_MEMORY) {
            throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
        }
        long swap = n(hc.memorySwap());
        if (memory > 0 && swap > 0 && swap < memory) {
            throw new InvalidArgumentException(
                    "Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        long nano = n(hc.nanoCpus());
        if (nano < 0 || nano > (long) cpus * 1_000_000_000L) {
            throw new InvalidArgumentException("Range of CPUs is from 0.01 to " + cpus + ".00, as there are only "
                    + cpus + " CPUs available");
        }
        if (nano > 0 && (n(hc.cpuQuota()) > 0 || n(hc.cpuPeriod()) > 0)) {
            throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (n(hc.cpuShares()) < 0) {
            throw new InvalidArgumentException("invalid CPU shares: " + hc.cpuShares());
        }
        HostConfig.RestartPolicy rp = hc.restartPolicy() == null ? new HostConfig.RestartPolicy("", 0)
                : hc.restartPolicy();
        String name = rp.name() == null ? "" : rp.name();
        if (!POLICIES.contains(name)) {
            throw new InvalidArgumentException("invalid restart policy '" + name + "'");
        }
        int retries = rp.maximumRetryCount() == null ? 0 : rp.maximumRetryCount();
        if (retries != 0 && !name.equals("on-failure")) {
            throw new InvalidArgumentException("invalid restart policy: maximum retry count can only be used with 'on-failure'");
        }
        if (retries < 0) {
            throw new InvalidArgumentException("invalid restart policy: maximum retry count cannot be negative");
        }
        if (hc.isAutoRemove() && !name.isEmpty() && !name.equals("no")) {
            throw new InvalidArgumentException("can't create 'AutoRemove' container with restart policy");
        }
        HostConfig.LogConfig lc = hc.logConfig() == null || hc.logConfig().type() == null || hc.logConfig().type().isEmpty()
                ? new HostConfig.LogConfig("json-file", hc.logConfig() == null || hc.logConfig().config() == null
                        ? Map.of() : hc.logConfig().config())
                : hc.logConfig();
        if (!lc.type().equals("json-file") && !lc.type().equals("none") && !lc.type().equals("local")) {
            throw new InvalidArgumentException("logging driver " + lc.type() + " is not supported; use json-file");
        }
        return copy(hc, lc, new HostConfig.RestartPolicy(name, retries),
                hc.networkMode() == null || hc.networkMode().isEmpty() ? "default" : hc.networkMode());
    }

    private static HostConfig copy(HostConfig h, HostConfig.LogConfig lc, HostConfig.RestartPolicy rp, String net) {
        return new HostConfig(h.binds(), h.containerIdFile(), lc, net, h.portBindings(), rp, h.autoRemove(),
                h.volumeDriver(), h.volumesFrom(), h.consoleSize(), h.capAdd(), h.capDrop(), h.cgroupnsMode(), h.dns(),
                h.dnsOptions(), h.dnsSearch(), h.extraHosts(), h.groupAdd(), h.ipcMode(), h.cgroup(), h.links(),
                h.oomScoreAdj(), h.pidMode(), h.privileged(), h.publishAllPorts(), h.readonlyRootfs(), h.securityOpt(),
                h.tmpfs(), h.utsMode(), h.usernsMode(), h.shmSize(), h.sysctls(), h.runtime(), h.isolation(),
                h.cpuShares(), h.memory(), h.nanoCpus(), h.cgroupParent(), h.blkioWeight(), h.cpuPeriod(),
                h.cpuQuota(), h.cpusetCpus(), h.cpusetMems(), h.devices(), h.memoryReservation(), h.memorySwap(),
                h.memorySwappiness(), h.oomKillDisable(), h.pidsLimit(), h.ulimits(), h.init(), h.mounts(),
                h.maskedPaths(), h.readonlyPaths());
    }

    /** Applies {@code docker update} fields (non-null ones) to a stored HostConfig. */
    public static HostConfig update(HostConfig h, HostConfig u) {
        return new HostConfig(h.binds(), h.containerIdFile(), h.logConfig(), h.networkMode(), h.portBindings(),
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
                pick(u.memoryReservation(), h.memoryReservation()), pick(u.memorySwap(), h.memorySwap()),
                h.memorySwappiness(), h.oomKillDisable(), pick(u.pidsLimit(), h.pidsLimit()), h.ulimits(), h.init(),
                h.mounts(), h.maskedPaths(), h.readonlyPaths());
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
