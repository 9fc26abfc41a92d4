package dev.berth.engine.container.fs;

import static dev.berth.engine.os.OpenFlags.AT_EMPTY_PATH;
import static dev.berth.engine.os.OpenFlags.AT_FDCWD;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.ContainerPaths;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a container's root filesystem for the filesystem endpoints.
 * <ul>
 *   <li>A running (or paused) container is reached through its own descriptor: {@code /proc/<pid>/root} for
 *   docker cp (lookups from it traverse the container's mounts, so /etc/hosts and volumes are what the
 *   container sees), the overlay mount point for export. The container's lock is held only while the
 *   descriptor is opened; afterwards the descriptor keeps that filesystem alive even if the container exits.</li>
 *   <li>A stopped container gets its overlay mounted for the duration of the call, under its lock (so it cannot
 *   start meanwhile, as dockerd holds the container lock during archive calls). Closing the view unmounts
 *   it again, on every path, unless it was mounted before.</li>
 * </ul>
 * Everything here runs on the request's thread: the lock is a {@link java.util.concurrent.locks.ReentrantLock}
 * and must be released by the thread that took it.
 */
final class ContainerRoots {
    private static final Logger log = LoggerFactory.getLogger(ContainerRoots.class);

    private final ContainerContext ctx;

    ContainerRoots(ContainerContext ctx) {
        this.ctx = ctx;
    }

    /** docker cp's view: the running container's own root, or the stopped container's overlay. */
    MountedRoot live(Container c) throws IOException {
        return open(c, true);
    }

    /** export's view: image layers plus the writable layer only (no volumes, nothing under /proc or /sys). */
    MountedRoot layers(Container c) throws IOException {
        return open(c, false);
    }

    private MountedRoot open(Container c, boolean live) throws IOException {
        c.lock().lock();
        boolean keepLock = false;
        try {
            if (c.removed().isDone()) {
                // removed while we waited for the lock: mounting now would recreate its directory
                throw new NotFoundException("No such container: " + c.record().plainName());
            }
            ContainerState s = c.state();
            if (!s.running()) {
                MountedRoot stopped = mountStopped(c);
                keepLock = true; // released by the view's close()
                return stopped;
            }
            return live ? procRoot(c, s.pid()) : overlayOfRunning(c);
        } finally {
            if (!keepLock) {
                c.lock().unlock();
            }
        }
    }

    /** Caller holds the lock; the returned view releases it when closed. */
    private MountedRoot mountStopped(Container c) throws IOException {
        ContainerPaths p = c.paths();
        boolean mountedHere = !OverlayRootfs.isMounted(p.rootfs());
        if (mountedHere) {
            OverlayRootfs.mount(p, layerDirs(ctx, c), ctx.emptyLayer());
        }
        try {
            RootDir root = RootDir.open(p.rootfs());
            return new MountedRoot(root, false, ContainerMounts.NONE, () -> release(c, mountedHere));
        } catch (IOException | RuntimeException e) {
            if (mountedHere) {
                unmountQuietly(c);
            }
            throw e;
        }
    }

    /**
     * Unmounts what we mounted (unless the container runs now, which the lock makes impossible), unlocks.
     * A failed unmount does not fail the call, whose data is complete: it is logged, and the next start or
     * removal of the container finds the mount and reuses or removes it.
     */
    private void release(Container c, boolean mountedHere) {
        try {
            if (mountedHere && !c.state().running()) {
                OverlayRootfs.unmount(c.paths());
            }
        } catch (IOException e) {
            log.warn("unmounting the root filesystem of {} after a filesystem call: {}", c.id(), e.toString());
        } finally {
            c.lock().unlock();
        }
    }

    private static void unmountQuietly(Container c) {
        try {
            OverlayRootfs.unmount(c.paths());
        } catch (IOException e) {
            log.warn("unmounting the root filesystem of {} after a failure: {}", c.id(), e.toString());
        }
    }

    /**
     * The running container's root as its processes see it. A pid in the state may already belong to another
     * process (the container exited, the pid was reused before the engine noticed): the root we opened must
     * be the container's overlay, else it is refused.
     */
    private MountedRoot procRoot(Container c, long pid) throws IOException {
        Path procRoot = Path.of("/proc", Long.toString(pid), "root");
        RootDir root;
        try {
            root = RootDir.open(procRoot);
        } catch (IOException e) {
            throw notRunning(c);
        }
        try {
            Stat mine = Linux.statx(root.fd(), "", AT_EMPTY_PATH);
            Stat overlay = Linux.statx(AT_FDCWD, c.paths().rootfs().toString(), 0);
            if (mine.ino() != overlay.ino() || mine.devMajor() != overlay.devMajor()
                    || mine.devMinor() != overlay.devMinor()) {
                throw notRunning(c);
            }
            return new MountedRoot(root, true, ContainerMounts.of(pid), MountedRoot.Cleanup.NONE);
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private MountedRoot overlayOfRunning(Container c) throws IOException {
        if (!OverlayRootfs.isMounted(c.paths().rootfs())) {
            throw notRunning(c);
        }
        return new MountedRoot(RootDir.open(c.paths().rootfs()), false, ContainerMounts.NONE,
                MountedRoot.Cleanup.NONE);
    }

    private static ConflictException notRunning(Container c) {
        return new ConflictException("container " + c.record().plainName() + " stopped while its filesystem was "
                + "being opened; try again");
    }

    /** The image's layer directories, bottom first, as the overlay stacks them. */
    static List<Path> layerDirs(ContainerContext ctx, Container c) {
        List<Path> dirs = new ArrayList<>();
        for (Digest d : c.record().layers()) {
            dirs.add(ctx.images().snapshots().get(d).map(s -> ctx.images().snapshots().path(s))
                    .orElseThrow(() -> new NotFoundException("layer " + d + " of image " + c.record().image()
                            + " is missing; pull the image again")));
        }
        return dirs;
    }
}
