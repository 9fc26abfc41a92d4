package dev.berth.engine.os;

import static dev.berth.engine.os.OpenFlags.AT_REMOVEDIR;
import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_DIRECTORY;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_PATH;
import static dev.berth.engine.os.OpenFlags.O_RDONLY;
import static dev.berth.engine.os.OpenFlags.RESOLVE_IN_ROOT;
import static dev.berth.engine.os.OpenFlags.RESOLVE_NO_MAGICLINKS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory treated as "/": every path given to it is resolved with {@code openat2(RESOLVE_IN_ROOT)}, so
 * {@code ..} stops at the root and symlinks (absolute or relative) are followed as a chroot would follow
 * them. A container's root filesystem or a layer being unpacked can therefore never make us touch a file
 * outside it, even if its contents change while we work (CVE-2018-15664, CVE-2021-30465 classes).
 */
public final class RootDir implements AutoCloseable {
    private static final long IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

    private final Path path;
    private final int fd;

    private RootDir(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    public static RootDir open(Path dir) throws IOException {
        int fd = Linux.openat(OpenFlags.AT_FDCWD, dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        return new RootDir(dir, fd);
    }

    public Path path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    /** An O_PATH descriptor of the directory {@code rel} (resolved in root); the caller closes it. */
    public int openDir(String rel) throws ErrnoException {
        return Linux.openat2(fd, rel.isEmpty() ? "." : rel, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, IN_ROOT);
    }

    /** Opens {@code rel} resolved in root with the given flags. */
    public int open(String rel, int flags) throws ErrnoException {
        return Linux.openat2(fd, rel.isEmpty() ? "." : rel, flags | O_CLOEXEC, 0, IN_ROOT);
    }

    /**
     * The directory {@code rel}, creating missing components with {@code mode} (like {@code mkdir -p} inside
     * the root). Returns an O_PATH descriptor the caller closes.
     */
    public int mkdirs(String rel, int mode) throws ErrnoException {
        try {
            return openDir(rel);
        } catch (ErrnoException e) {
            if (!e.is(Errno.ENOENT) || rel.isEmpty()) {
                throw e;
            }
        }
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : rel.substring(0, slash);
        String leaf = rel.substring(slash + 1);
        int parentFd = mkdirs(parent, mode);
        try {
            try {
                Linux.mkdirat(parentFd, leaf, mode);
            } catch (ErrnoException e) {
                if (!e.is(Errno.EEXIST)) {
                    throw e;
                }
            }
            return Linux.openat2(parentFd, leaf, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, IN_ROOT);
        } finally {
            Linux.close(parentFd);
        }
    }

    /**
     * Reads a small file resolved in-root (a container's /etc/passwd), at most {@code max} bytes; empty if it
     * does not exist. The file is opened through openat2, so a symlink in the image cannot make us read a
     * host file.
     */
    public java.util.Optional<byte[]> readFile(String rel, int max) throws IOException {
        int fd;
        try {
            fd = open(rel, OpenFlags.O_RDONLY);
        } catch (ErrnoException e) {
            if (e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR)) {
                return java.util.Optional.empty();
            }
            throw e;
        }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment buf = arena.allocate(max);
            long total = 0;
            long n;
            while (total < max && (n = Linux.read(fd, buf.asSlice(total), max - total, rel)) > 0) {
                total += n;
            }
            return java.util.Optional.of(buf.asSlice(0, total).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        } finally {
            Linux.close(fd);
        }
    }

    /** Lstat of {@code leaf} inside the directory {@code dirFd}, or null if it does not exist. */
    public static Stat lstat(int dirFd, String leaf) throws ErrnoException {
        try {
            return Linux.statx(dirFd, leaf, 0);
        } catch (ErrnoException e) {
            if (e.is(Errno.ENOENT)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Removes {@code leaf} in {@code dirFd} and everything below it, never following symlinks: directories
     * are opened with O_NOFOLLOW and listed through their own descriptor.
     */
    public static void removeAll(int dirFd, String leaf) throws IOException {
        Stat st = lstat(dirFd, leaf);
        if (st == null) {
            return;
        }
        if (!st.isDirectory()) {
            Linux.unlinkat(dirFd, leaf, 0);
            return;
        }
        int sub = Linux.openat(dirFd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        try {
            for (String name : list(sub)) {
                removeAll(sub, name);
            }
        } finally {
            Linux.close(sub);
        }
        Linux.unlinkat(dirFd, leaf, AT_REMOVEDIR);
    }

    /** Names in the directory open as {@code dirFd} (listing goes through the descriptor, not a path). */
    public static List<String> list(int dirFd) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd/" + dirFd))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** A path naming {@code leaf} inside {@code dirFd} for calls that only take paths (lsetxattr). */
    public static String procPath(int dirFd, String leaf) {
        return "/proc/self/fd/" + dirFd + "/" + leaf;
    }

    @Override
    public void close() {
        Linux.close(fd);
    }
}
