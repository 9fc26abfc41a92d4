package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
                consoleSize(h), mounts, ns.toSpec(), security(h), resources(h), ulimits(h),
                cgroupsPath(r), h.sysctls() == null ? Map.of() : h.sysctls(),
                h.shmSize() == null || h.shmSize() <= 0 ? DEFAULT_SHM : h.shmSize(), init ? initBinary : null,
                h.oomScoreAdj() == null ? 0 : h.oomScoreAdj(), Map.of("com.docker.container.name", r.plainName()));
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

    public static SpecInput.Resources resourcesOf(HostConfig h) {
        return resources(h);
    }

    static SpecInput.Resources resources(HostConfig h) {
        long nano = HostConfigs.n(h.nanoCpus());
        long quota = nano > 0 ? nano * CPU_PERIOD / 1_000_000_000L : HostConfigs.n(h.cpuQuota());
        long period = nano > 0 ? CPU_PERIOD : HostConfigs.n(h.cpuPeriod());
        return new SpecInput.Resources(HostConfigs.n(h.memory()), HostConfigs.n(h.memoryReservation()),
                HostConfigs.n(h.memorySwap()), HostConfigs.n(h.cpuShares()), quota, period, blankToNull(h.cpusetCpus()),
                blankToNull(h.cpusetMems()), HostConfigs.n(h.pidsLimit()),
                h.blkioWeight() == null ? 0 : h.blkioWeight(), Boolean.TRUE.equals(h.oomKillDisable()));
    }

    public static List<SpecInput.Ulimit> ulimits(HostConfig h) {
        List<SpecInput.Ulimit> out = new ArrayList<>();
        for (HostConfig.Ulimit u : h.ulimits() == null ? List.<HostConfig.Ulimit>of() : h.ulimits()) {
            if (u.name() == null || u.name().isEmpty()) {
                continue;
            }
            long soft = u.soft() == null ? 0 : u.soft();
            long hard = u.hard() == null ? soft : u.hard();
            if (soft > hard) {
                throw new InvalidArgumentException("ulimit soft limit must be less than or equal to hard limit: "
                        + soft + " > " + hard);
            }
            out.add(new SpecInput.Ulimit(u.name(), soft, hard));
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
