package dev.berth.engine.container.fs;

import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;

/**
 * A container's root filesystem opened for one operation. Every path inside it is resolved through
 * {@link #root()} ({@code openat2(RESOLVE_IN_ROOT)}), so nothing the container holds can lead outside it.
 * Closing undoes whatever opening did: a temporary overlay mount, the container's lock.
 *
 * @param root     the container's "/" as a descriptor
 * @param live     true when this is the running container's own view ({@code /proc/<pid>/root}), with its
 *                 bind mounts, volumes and kernel filesystems
 * @param mounts   the container's own mounts in a live view ({@link ContainerMounts#NONE} otherwise)
 */
record MountedRoot(RootDir root, boolean live, ContainerMounts mounts, Cleanup cleanup) implements AutoCloseable {

    /** What closing has to undo, after the root descriptor is closed. */
    @FunctionalInterface
    interface Cleanup {
        void run() throws IOException;

        Cleanup NONE = () -> { };
    }

    /** True if a tree walk must not enter the directory {@code st} (a kernel filesystem of a live view). */
    boolean skipContents(Stat st) {
        return mounts.kernelDevs().contains(ContainerMounts.devKey(st.devMajor(), st.devMinor()));
    }

    @Override
    public void close() throws IOException {
        root.close();
        cleanup.run();
    }
}
