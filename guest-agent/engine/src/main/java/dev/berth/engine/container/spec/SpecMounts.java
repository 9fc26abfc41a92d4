package dev.berth.engine.container.spec;

import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code mounts} of a container spec: Docker's default filesystems (moby pkg/oci/defaults.go), then the
 * container's own mounts. A container mount on the destination of a default one replaces it (a user
 * {@code /dev/shm}), and a container {@code /dev} replaces every default under /dev, as in moby's WithMounts.
 */
final class SpecMounts {
    static final String INIT_DESTINATION = "/sbin/docker-init";
    static final long DEFAULT_SHM_SIZE = 64L * 1024 * 1024;

    private SpecMounts() {}

    static List<Map<String, Object>> build(SpecInput in, boolean privileged) {
        List<SpecInput.MountSpec> own = ownMounts(in);
        Set<String> ownDestinations = own.stream().map(m -> normalize(m.destination()))
                .collect(Collectors.toSet());
        boolean ownDev = ownDestinations.contains("/dev");
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (SpecInput.MountSpec m : defaults(in.shmSize(), privileged)) {
            boolean replaced = ownDestinations.contains(m.destination())
                    || (ownDev && m.destination().startsWith("/dev/"));
            if (!replaced) {
                mounts.add(toOci(m));
            }
        }
        own.forEach(m -> mounts.add(toOci(m)));
        return mounts;
    }

    /**
     * Docker's defaults. Privileged containers get /sys and the cgroup filesystem read-write (moby clears
     * "ro" on both), everything else is the same.
     */
    static List<SpecInput.MountSpec> defaults(long shmSize, boolean privileged) {
        long shm = shmSize > 0 ? shmSize : DEFAULT_SHM_SIZE;
        List<String> sys = privileged ? List.of("nosuid", "noexec", "nodev")
                : List.of("nosuid", "noexec", "nodev", "ro");
        List<String> cgroup = privileged ? List.of("nosuid", "noexec", "nodev")
                : List.of("ro", "nosuid", "noexec", "nodev");
        return List.of(
                new SpecInput.MountSpec("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new SpecInput.MountSpec("/dev", "tmpfs", "tmpfs",
                        List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new SpecInput.MountSpec("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new SpecInput.MountSpec("/sys", "sysfs", "sysfs", sys),
                // "cgroup" works for v1 and v2: runc mounts the hierarchies the host has
                new SpecInput.MountSpec("/sys/fs/cgroup", "cgroup", "cgroup", cgroup),
                new SpecInput.MountSpec("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new SpecInput.MountSpec("/dev/shm", "tmpfs", "shm",
                        List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shm)));
    }

    /**
     * The container's mounts plus the init binary, stably sorted by path depth the way moby sorts them, so
     * that a parent directory is mounted before anything inside it whatever the input order; mounts of the
     * same depth keep their order.
     */
    private static List<SpecInput.MountSpec> ownMounts(SpecInput in) {
        List<SpecInput.MountSpec> own = new ArrayList<>(in.mounts() == null ? List.of() : in.mounts());
        if (in.initPath() != null) {
            own.add(new SpecInput.MountSpec(INIT_DESTINATION, "bind", in.initPath().toString(),
                    List.of("bind", "ro")));
        }
        for (SpecInput.MountSpec m : own) {
            if (m.destination() == null || !m.destination().startsWith("/")) {
                throw new InvalidArgumentException("invalid mount destination: \"" + m.destination()
                        + "\": must be an absolute path");
            }
        }
        own.sort(Comparator.comparingInt(m -> depth(m.destination())));
        return own;
    }

    private static int depth(String destination) {
        return Path.of(destination).normalize().getNameCount();
    }

    private static String normalize(String destination) {
        return Path.of(destination).normalize().toString();
    }

    private static Map<String, Object> toOci(SpecInput.MountSpec m) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("destination", m.destination());
        mount.put("type", m.type());
        mount.put("source", m.source() != null ? m.source() : m.type());
        mount.put("options", m.options() == null ? List.of() : List.copyOf(m.options()));
        return mount;
    }
}
