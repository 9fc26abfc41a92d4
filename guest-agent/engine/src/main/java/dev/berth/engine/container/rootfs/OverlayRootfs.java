package dev.berth.engine.container.rootfs;

import dev.berth.engine.container.ContainerPaths;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's root filesystem: an overlay of the image's layer directories (read-only, top first) under
 * the container's own writable {@code upper} directory, mounted at {@code rootfs} while it runs. The mount
 * belongs to the host, not to the engine process, so containers keep their root filesystem when the engine
 * stops.
 */
public final class OverlayRootfs {
    private static final int MNT_DETACH = 2;
    /** One page minus headroom: overlayfs takes all its options in a single page. */
    private static final int MAX_OPTIONS = 4000;

    private OverlayRootfs() {}

    /** Creates upper/work (first start) and mounts the overlay; a no-op if it is already mounted. */
    public static void mount(ContainerPaths p, List<Path> layersBottomFirst, Path emptyLayer) throws IOException {
        Files.createDirectories(p.upper());
        Files.createDirectories(p.work());
        Files.createDirectories(p.rootfs());
        if (isMounted(p.rootfs())) {
            return;
        }
        List<String> lower = new ArrayList<>();
        for (int i = layersBottomFirst.size() - 1; i >= 0; i--) {
            lower.add(layersBottomFirst.get(i).toString());
        }
        if (lower.isEmpty()) {
            lower.add(emptyLayer.toString()); // overlayfs needs at least one lower directory
        }
        String options = "lowerdir=" + String.join(":", lower) + ",upperdir=" + p.upper() + ",workdir=" + p.work()
                + ",index=off";
        if (options.length() > MAX_OPTIONS) {
            throw new SystemException("image has too many layers (" + layersBottomFirst.size()
                    + ") for one overlay mount on this kernel");
        }
        try {
            Linux.mount("overlay", p.rootfs().toString(), "overlay", 0, options);
        } catch (ErrnoException e) {
            if (!e.is(Errno.EINVAL)) {
                throw e;
            }
            // kernels without the index option
            Linux.mount("overlay", p.rootfs().toString(), "overlay", 0, options.replace(",index=off", ""));
        }
    }

    /** Unmounts (lazily, so a straggling process cannot keep it busy); fine if not mounted. */
    public static void unmount(ContainerPaths p) throws IOException {
        if (!isMounted(p.rootfs())) {
            return;
        }
        try {
            Linux.umount2(p.rootfs().toString(), MNT_DETACH);
        } catch (ErrnoException e) {
            if (!e.is(Errno.EINVAL) && !e.is(Errno.ENOENT)) {
                throw e;
            }
        }
    }

    /** True if {@code dir} is a mount point (listed in /proc/self/mountinfo). */
    public static boolean isMounted(Path dir) throws IOException {
        String target = " " + dir.toAbsolutePath() + " ";
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains(target)) {
                return true;
            }
        }
        return false;
    }
}
