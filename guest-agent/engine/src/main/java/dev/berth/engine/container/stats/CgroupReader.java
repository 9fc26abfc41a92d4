package dev.berth.engine.container.stats;

import dev.berth.engine.container.cgroup.Cgroups;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a container's cgroup counters. One implementation per cgroup version, each rooted at a directory so
 * tests can point it at copied sample files instead of {@code /sys/fs/cgroup}.
 */
public interface CgroupReader {
    /**
     * The counters of the cgroup at {@code cgroupsPath} (the runtime's path, e.g. {@code /berth/<id>}), or
     * empty when it is gone (the container exited between the state check and the read).
     */
    Optional<CgroupSample> read(String cgroupsPath);

    /** The reader for this host's layout: v2 where the root is unified (the guest VM), else v1 or hybrid. */
    static CgroupReader forHost() {
        Path root = Path.of("/sys/fs/cgroup");
        return Cgroups.unified() ? new CgroupV2Reader(root) : new CgroupV1Reader(root);
    }

    /** {@code /berth/x} as a path below a controller's directory. */
    static String relative(String cgroupsPath) {
        return cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
    }
}
