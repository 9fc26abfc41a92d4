package dev.berth.engine.volume;

import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_CREAT;
import static dev.berth.engine.os.OpenFlags.O_EXCL;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_PATH;
import static dev.berth.engine.os.OpenFlags.O_WRONLY;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Mount points inside a container's root filesystem, made safe against symlinks in the image (the
 * CVE-2021-30465 class): the destination is resolved with {@code openat2(RESOLVE_IN_ROOT)}, so a symlink in
 * the image ({@code /data -> /} or {@code -> ../../..}) is followed as the container would follow it, inside
 * the rootfs; missing components are created there; and the runtime is then given the resolved path, which
 * has no symlinks left to swap. A destination that resolves to the container's own root is refused: the
 * mount would hide the whole root filesystem.
 */
final class MountTargets {
    private MountTargets() {}

    /** Symlinks followed while resolving one destination, as the kernel's limit (ELOOP beyond). */
    private static final int MAX_LINKS = 40;

    /**
     * Creates {@code destination} in {@code rootfs} (a directory, or an empty file for a file bind) and
     * returns its symlink-free path inside the container.
     */
    static String prepare(Path rootfs, String destination, boolean directory) throws IOException {
        Path realRoot = rootfs.toRealPath();
        try (RootDir root = RootDir.open(realRoot)) {
            String resolved = resolve(root, destination, directory);
            int fd = root.open(resolved, O_PATH); // resolved again in-root: what we check is what runc gets
            try {
                return inside(realRoot, Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)), destination);
            } finally {
                Linux.close(fd);
            }
        } catch (ErrnoException e) {
            if (e.is(Errno.ENOTDIR)) {
                throw new InvalidArgumentException("cannot mount on " + destination + ": a component of the path "
                        + "is not a directory in the image");
            }
            throw e;
        }
    }

    /**
     * Walks {@code path} component by component from the container's root, following symlinks as the
     * container would (an absolute target restarts at its root, {@code ..} stops there) and creating what is
     * missing, a dangling link's target included (as runc's in-root MkdirAll does). Returns the path relative
     * to the root with no symlink left in it.
     */
    static String resolve(RootDir root, String path, boolean directory) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (name.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            int parent = root.openDir(String.join("/", done));
            try {
                Stat st = RootDir.lstat(parent, name);
                if (st != null && st.isSymlink()) {
                    if (++links > MAX_LINKS) {
                        throw new ErrnoException("openat2", path, Errno.ELOOP);
                    }
                    String target = Linux.readlinkat(parent, name);
                    List<String> next = components(target);
                    for (int i = next.size() - 1; i >= 0; i--) {
                        todo.addFirst(next.get(i));
                    }
                    if (target.startsWith("/")) {
                        done.clear();
                    }
                    continue;
                }
                if (st == null) {
                    create(parent, name, directory || !todo.isEmpty());
                } else if (!st.isDirectory() && (!todo.isEmpty() || directory)) {
                    throw new ErrnoException("mkdir", path, Errno.ENOTDIR);
                }
                done.add(name);
            } finally {
                Linux.close(parent);
            }
        }
        return String.join("/", done);
    }

    /** A missing component: a directory, or an empty file for the last one of a file bind; never through a link. */
    private static void create(int parent, String name, boolean directory) throws ErrnoException {
        try {
            if (directory) {
                Linux.mkdirat(parent, name, 0755);
            } else {
                Linux.close(Linux.openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
            }
        } catch (ErrnoException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
        }
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }

    /** The container path of {@code real}, which openat2 guarantees to be inside {@code realRoot}. */
    static String inside(Path realRoot, Path real, String destination) {
        if (!real.startsWith(realRoot)) { // cannot happen with RESOLVE_IN_ROOT; checked because it matters
            throw new IllegalStateException("mount destination " + destination + " resolved outside the rootfs: "
                    + real);
        }
        Path rel = realRoot.relativize(real);
        if (rel.toString().isEmpty()) {
            throw new InvalidArgumentException("invalid mount destination " + destination
                    + ": it resolves to / of the container (a symlink in the image), which cannot be a mount point");
        }
        return "/" + rel;
    }
}
