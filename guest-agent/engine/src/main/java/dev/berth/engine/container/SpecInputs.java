package dev.berth.engine.container;

import dev.berth.engine.container.cgroup.SwapAccounting;
import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.spec.SpecBuilder;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.container.spec.TmpfsOptions;
import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates a container's record into the runtime spec input: namespaces from the *Mode fields, security
 * from privileged/cap-add/cap-drop/security-opt, limits from the HostConfig, by Docker's rules.
 */
public final class SpecInputs {
    /** Docker's /dev/shm default. */
    static final long DEFAULT_SHM = 64L << 20;
    static final long CPU_PERIOD = 100_000;

    private SpecInputs() {}

    /** The spec of a container's init process; {@code mounts} are the bind mounts prepared for it. */
    public static SpecInput forContainer(ContainerRecord r, ContainerPaths p, SpecInput.User user, List<String> env,
            List<SpecInput.MountSpec> mounts, Namespaces ns, Path initBinary) {
        ContainerConfig c = r.config();
        HostConfig h = r.hostConfig();
        List<String> args = new ArrayList<>();
        args.add(r.path());
        args.addAll(r.args());
        boolean init = Boolean.TRUE.equals(h.init());
        if (init && initBinary == null) {
            throw new InvalidArgumentException("--init needs a static init binary (Debian package tini); "
                    + "install it with scripts/setup runtime");
        }
        return new SpecInput(c.hostname(), c.domainname(), p.rootfs(), args, env,
                c.workingDir() == null || c.workingDir().isEmpty() ? "/" : c.workingDir(), user, c.isTty(),
                consoleSize(h), withTmpfs(mounts, h), ns.toSpec(), security(h),
                resources(h, SwapAccounting.available()), ulimits(h),
                cgroupsPath(r), h.sysctls() == null ? Map.of() : h.sysctls(),
                h.shmSize() == null || h.shmSize() <= 0 ? DEFAULT_SHM : h.shmSize(), init ? initBinary : null,
                h.oomScoreAdj() == null ? 0 : h.oomScoreAdj(), Map.of("com.docker.container.name", r.plainName()));
    }

    /**
     * The prepared mounts plus a tmpfs for each {@code --tmpfs} whose destination they do not already cover
     * (the mount domain may take tmpfs over; a mount of its own on that path then wins).
     */
    static List<SpecInput.MountSpec> withTmpfs(List<SpecInput.MountSpec> mounts, HostConfig h) {
        List<SpecInput.MountSpec> out = new ArrayList<>(mounts == null ? List.of() : mounts);
        for (SpecInput.MountSpec t : tmpfsMounts(h)) {
            if (out.stream().noneMatch(m -> Path.of(m.destination()).normalize()
                    .equals(Path.of(t.destination()).normalize()))) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * {@code --tmpfs} (HostConfig.Tmpfs) as mounts, in destination order; checked at create as Docker checks
     * them, so a bad one is refused before anything runs.
     */
    public static List<SpecInput.MountSpec> tmpfsMounts(HostConfig h) {
        List<SpecInput.MountSpec> out = new ArrayList<>();
        Map<String, String> tmpfs = h.tmpfs() == null ? Map.of() : new TreeMap<>(h.tmpfs());
        for (Map.Entry<String, String> e : tmpfs.entrySet()) {
            String dest = e.getKey();
            if (dest == null || !dest.startsWith("/")) {
                throw new InvalidArgumentException("invalid mount path: '" + dest + "' mount path must be absolute");
            }
            if (Path.of(dest).normalize().toString().equals("/")) {
                throw new InvalidArgumentException("invalid specification: destination can't be '/'");
            }
            out.add(TmpfsOptions.mount(dest, e.getValue()));
        }
        return out;
    }

    /** The container's cgroup for the runtime: {@code /berth/<id>}, or under {@code --cgroup-parent}. */
    public static String cgroupsPath(ContainerRecord r) {
        String parent = r.hostConfig().cgroupParent();
        String base = parent == null || parent.isEmpty() ? "/berth" : (parent.startsWith("/") ? parent : "/" + parent);
        return base + "/" + r.id();
    }

    static SpecInput.ConsoleSize consoleSize(HostConfig h) {
        List<Integer> cs = h.consoleSize();
        if (cs == null || cs.size() != 2 || cs.get(0) == null || cs.get(1) == null || cs.get(0) <= 0) {
            return null;
        }
        return new SpecInput.ConsoleSize(cs.get(0), cs.get(1));
    }

    /** Namespace choices: null = a new one, "host", or a path to join (another container's). */
    public record Namespaces(String network, String pid, String ipc, String uts) {
        SpecInput.Namespaces toSpec() {
            return new SpecInput.Namespaces(network, pid, ipc, uts,
                    Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")));
        }
    }

    /**
     * A process's env: the container's (image and request merged) plus what Docker adds when missing:
     * HOSTNAME, HOME (from passwd) and TERM for terminals.
     */
    public static List<String> processEnv(List<String> base, String hostname, String home, boolean tty) {
        List<String> env = new ArrayList<>(base == null ? List.of() : base);
        if (env.stream().noneMatch(e -> e.startsWith("HOSTNAME="))) {
            env.add(0, "HOSTNAME=" + hostname);
        }
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
            env.add("HOME=" + home);
        }
        if (tty && env.stream().noneMatch(e -> e.startsWith("TERM="))) {
            env.add("TERM=xterm");
        }
        return env;
    }

    public static SpecInput.Security security(HostConfig h) {
        boolean nnp = false;
        String seccomp = "default";
        for (String opt : h.securityOpt() == null ? List.<String>of() : h.securityOpt()) {
            String o = opt.replace('=', ':');
            if (o.equals("no-new-privileges") || o.equals("no-new-privileges:true")) {
                nnp = true;
            } else if (o.equals("no-new-privileges:false")) {
                nnp = false;
            } else if (o.startsWith("seccomp:")) {
                seccomp = opt.substring("seccomp".length() + 1);
            } else if (!o.startsWith("apparmor:") && !o.startsWith("label:")) {
                throw new InvalidArgumentException("invalid --security-opt: " + opt);
            }
        }
        return new SpecInput.Security(h.isPrivileged(), h.capAdd() == null ? List.of() : h.capAdd(),
                h.capDrop() == null ? List.of() : h.capDrop(), nnp, seccomp, h.isReadonlyRootfs(), h.maskedPaths(),
                h.readonlyPaths());
    }

    /** The cgroup limits of a stored config on this host, for the spec and for {@code runc update}. */
    public static SpecInput.Resources resourcesOf(HostConfig h) {
        return resources(h, SwapAccounting.available());
    }

    static SpecInput.Resources resources(HostConfig h, boolean swapAccounting) {
        long nano = HostConfigs.n(h.nanoCpus());
        long quota = nano > 0 ? nano * CPU_PERIOD / 1_000_000_000L : HostConfigs.n(h.cpuQuota());
        long period = nano > 0 ? CPU_PERIOD : HostConfigs.n(h.cpuPeriod());
        long memory = HostConfigs.n(h.memory());
        return new SpecInput.Resources(memory, HostConfigs.n(h.memoryReservation()),
                memorySwap(memory, HostConfigs.n(h.memorySwap()), swapAccounting), HostConfigs.n(h.cpuShares()),
                quota, period, blankToNull(h.cpusetCpus()),
                blankToNull(h.cpusetMems()), HostConfigs.n(h.pidsLimit()),
                h.blkioWeight() == null ? 0 : h.blkioWeight(), Boolean.TRUE.equals(h.oomKillDisable()));
    }

    /**
     * The memory+swap limit for the cgroup: none without a memory limit or without swap accounting here (a
     * config stored elsewhere, or before the kernel lost it, must still start: Docker's "Memory limited without
     * swap"), twice the memory when unset (configs stored before the default was filled in), else as stored.
     */
    static long memorySwap(long memory, long swap, boolean swapAccounting) {
        if (memory <= 0 || !swapAccounting) {
            return 0;
        }
        return swap == 0 ? memory * 2 : swap;
    }

    /**
     * {@code --ulimit}s as rlimits, checked as Docker's CLI checks them (go-units): a known name, and soft at
     * most hard unless either is negative (unlimited).
     *
     * @throws InvalidArgumentException with go-units' text
     */
    public static List<SpecInput.Ulimit> ulimits(HostConfig h) {
        List<SpecInput.Ulimit> out = new ArrayList<>();
        for (HostConfig.Ulimit u : h.ulimits() == null ? List.<HostConfig.Ulimit>of() : h.ulimits()) {
            if (u.name() == null || u.name().isEmpty()) {
                continue;
            }
            long soft = u.soft() == null ? 0 : u.soft();
            long hard = u.hard() == null ? soft : u.hard();
            out.add(new SpecInput.Ulimit(u.name(), soft, hard));
        }
        SpecBuilder.checkUlimits(out);
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
