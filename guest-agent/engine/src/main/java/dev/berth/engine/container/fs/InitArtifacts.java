package dev.berth.engine.container.fs;

import dev.berth.engine.os.Stat;
import java.util.Map;
import java.util.Set;

/**
 * Mount points the runtime creates in a container's writable layer, which dockerd keeps in a separate
 * "init" layer under it (moby daemon/initlayer: /dev/pts, /dev/shm, /proc, /sys, /.dockerenv,
 * /etc/resolv.conf, /etc/hosts, /etc/hostname, /dev/console, /etc/mtab). dockerd's diff and commit never
 * see them; Berth has no init layer, so runc creates them in {@code upper} when the image lacks them, and
 * they are hidden here instead. Only the shape of a bare mount point is hidden (an empty directory, an empty
 * file, the mtab link): anything a user actually put there still shows.
 */
final class InitArtifacts {
    enum Shape { DIR, FILE, LINK }

    /** Path → the shape runc (or dockerd's init layer) gives it. /dev is also the runtime's tmpfs mount point. */
    private static final Map<String, Shape> MOUNT_POINTS = Map.ofEntries(
            Map.entry("/dev", Shape.DIR),
            Map.entry("/dev/pts", Shape.DIR),
            Map.entry("/dev/shm", Shape.DIR),
            Map.entry("/dev/mqueue", Shape.DIR),
            Map.entry("/dev/console", Shape.FILE),
            Map.entry("/proc", Shape.DIR),
            Map.entry("/sys", Shape.DIR),
            Map.entry("/.dockerenv", Shape.FILE),
            Map.entry("/etc/resolv.conf", Shape.FILE),
            Map.entry("/etc/hosts", Shape.FILE),
            Map.entry("/etc/hostname", Shape.FILE),
            Map.entry("/etc/mtab", Shape.LINK));

    /** Directories created only to hold mount points: hidden when nothing else in them changed. */
    private static final Set<String> PARENTS = Set.of("/etc", "/dev");

    private InitArtifacts() {}

    /**
     * True if the upper entry {@code path} is a bare mount point.
     *
     * @param emptyDir for a directory: it has no entries in the writable layer
     */
    static boolean isMountPoint(String path, Stat st, boolean emptyDir) {
        Shape shape = MOUNT_POINTS.get(path);
        if (shape == null) {
            return false;
        }
        return switch (shape) {
            case DIR -> st.isDirectory() && emptyDir;
            case FILE -> st.isRegular() && st.size() == 0;
            case LINK -> st.isSymlink();
        };
    }

    /** True if {@code path} is a directory that may exist in the writable layer only for mount points. */
    static boolean isParent(String path) {
        return PARENTS.contains(path);
    }
}
