package dev.berth.engine.container.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the OCI runtime spec of one container (or one exec) is built from, already resolved by the
 * container domain: the command, the user as numbers, the mounts with host paths, the limits as numbers.
 * {@link SpecBuilder} turns it into {@code config.json}; nothing here is read from disk by the builder.
 *
 * @param rootfs         the container's root filesystem (the overlay mount point)
 * @param args           argv of the process, entrypoint and command already merged; never empty
 * @param env            KEY=value, image and request merged, PATH present
 * @param cwd            absolute working directory inside the container
 * @param user           numeric identity, resolved from the image's /etc/passwd and /etc/group
 * @param terminal       allocate a pseudo terminal (docker run -t)
 * @param mounts         extra mounts in order: /etc/hosts, /etc/resolv.conf, /etc/hostname binds, volumes,
 *                       bind mounts, tmpfs; applied after the default ones
 * @param namespaces     which namespaces to create or join
 * @param security       capabilities, seccomp, no-new-privileges, privileged, read-only rootfs, AppArmor
 * @param resources      cgroup limits
 * @param cgroupsPath    the runtime's cgroup path, e.g. {@code /berth/<id>}
 * @param sysctls        namespaced sysctls (net.*, kernel.shm*, ...)
 * @param shmSize        size of /dev/shm in bytes (Docker default 64 MiB)
 * @param initPath       host path of a static init (tini) to bind at /sbin/docker-init and run as pid 1,
 *                       or null for no init (docker run --init)
 * @param oomScoreAdj    the process's OOM score adjustment
 * @param annotations    OCI annotations (e.g. the container's Docker name)
 */
public record SpecInput(
        String hostname,
        String domainname,
        Path rootfs,
        List<String> args,
        List<String> env,
        String cwd,
        User user,
        boolean terminal,
        ConsoleSize consoleSize,
        List<MountSpec> mounts,
        Namespaces namespaces,
        Security security,
        Resources resources,
        List<Ulimit> ulimits,
        String cgroupsPath,
        Map<String, String> sysctls,
        long shmSize,
        Path initPath,
        int oomScoreAdj,
        Map<String, String> annotations) {

    public record User(long uid, long gid, List<Long> additionalGids, Integer umask) {}

    public record ConsoleSize(int height, int width) {}

    /**
     * A mount as the runtime sees it. {@code type} is bind, tmpfs, volume binds are binds. Options as in
     * mount(8): ro/rw, rbind, rprivate/rslave/rshared, nosuid, nodev, noexec, size=..., mode=...
     */
    public record MountSpec(String destination, String type, String source, List<String> options) {}

    /**
     * Namespaces. {@code networkPath}: null creates a new network namespace, a path joins an existing one
     * (e.g. /var/run/netns/berth-<id> prepared by the engine), "host" shares the host's. Likewise
     * {@code pidPath}/{@code ipcPath}/{@code utsPath}: null = new, "host" = shared with the host, a path
     * (/proc/<pid>/ns/...) = join another container's.
     */
    public record Namespaces(String networkPath, String pidPath, String ipcPath, String utsPath,
            boolean newCgroupNamespace) {

        public static Namespaces isolated() {
            return new Namespaces(null, null, null, null, true);
        }
    }

    /**
     * @param capAdd          capability names to add to Docker's default set (CAP_ prefix optional, "ALL" allowed)
     * @param capDrop         names to remove ("ALL" allowed)
     * @param seccompProfile  "default" (Docker-equivalent), "unconfined", or a JSON profile (docker seccomp format)
     * @param maskedPaths     null = Docker's defaults; an empty list disables masking
     * @param readonlyPaths   null = Docker's defaults
     */
    public record Security(boolean privileged, List<String> capAdd, List<String> capDrop, boolean noNewPrivileges,
            String seccompProfile, boolean readonlyRootfs, List<String> maskedPaths, List<String> readonlyPaths) {

        public static Security defaults() {
            return new Security(false, List.of(), List.of(), false, "default", false, null, null);
        }
    }

    /**
     * Limits; 0 or null means "not set". {@code cpuQuota}/{@code cpuPeriod} in microseconds (from --cpus),
     * {@code memorySwap} -1 for unlimited swap, {@code pidsLimit} 0 or negative for unlimited.
     */
    public record Resources(long memory, long memoryReservation, long memorySwap, long cpuShares, long cpuQuota,
            long cpuPeriod, String cpusetCpus, String cpusetMems, long pidsLimit, int blkioWeight,
            boolean oomKillDisable) {

        public static Resources none() {
            return new Resources(0, 0, 0, 0, 0, 0, null, null, 0, 0, false);
        }
    }

    public record Ulimit(String name, long soft, long hard) {}
}
