package dev.berth.engine.container.fs;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotImplementedException;
import java.io.IOException;
import java.util.List;

/**
 * Where a container path lies with respect to the container's own mounts (volumes, binds, tmpfs), for the
 * rules dockerd applies to docker cp: writes into a read-only mount or a read-only root filesystem are
 * refused with dockerd's texts (400, moby's checkWritablePath). A stopped container's mounts are not
 * attached while we work on it (only its overlay is), so a path on one of them is refused rather than
 * silently read from or written to the directory under the mount point.
 */
final class MountRules {
    private final ContainerContext ctx;

    MountRules(ContainerContext ctx) {
        this.ctx = ctx;
    }

    /** Refuses reading {@code path} of a stopped container when a mount would hide it at run time. */
    void checkReadable(Container c, MountedRoot view, String path) throws IOException {
        if (!view.live()) {
            SpecInput.MountSpec m = mountOf(c, path);
            if (m != null) {
                throw stoppedMount(c, path, m);
            }
        }
    }

    /** dockerd's checkWritablePath, plus the stopped-container rule above. */
    void checkWritable(Container c, MountedRoot view, String path) throws IOException {
        SpecInput.MountSpec m = mountOf(c, path);
        if (m != null) {
            if (!view.live()) {
                throw stoppedMount(c, path, m);
            }
            if (m.options() != null && m.options().contains("ro")) {
                throw new InvalidArgumentException("mounted volume is marked read-only");
            }
            return;
        }
        if (c.record().hostConfig() != null && c.record().hostConfig().isReadonlyRootfs()) {
            throw new InvalidArgumentException("container rootfs is marked read-only");
        }
    }

    /** The innermost mount holding {@code path}, or null if it is on the root filesystem. */
    private SpecInput.MountSpec mountOf(Container c, String path) throws IOException {
        List<SpecInput.MountSpec> mounts = ctx.mounts().mountsFor(c);
        SpecInput.MountSpec best = null;
        for (SpecInput.MountSpec m : mounts) {
            String dest = CpPath.cleanAbsolute(m.destination());
            boolean holds = dest.equals("/") || path.equals(dest) || path.startsWith(dest + "/");
            if (holds && (best == null || dest.length() > CpPath.cleanAbsolute(best.destination()).length())) {
                best = m;
            }
        }
        return best;
    }

    private static NotImplementedException stoppedMount(Container c, String path, SpecInput.MountSpec m) {
        return new NotImplementedException("cannot copy " + path + " of stopped container " + c.record().plainName()
                + ": it is on the mount at " + m.destination() + ", which is attached only while the container "
                + "runs; start the container first");
    }
}
