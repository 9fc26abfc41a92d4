package dev.berth.engine.volume;

import static dev.berth.engine.os.OpenFlags.AT_SYMLINK_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_CREAT;
import static dev.berth.engine.os.OpenFlags.O_DIRECTORY;
import static dev.berth.engine.os.OpenFlags.O_EXCL;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_RDONLY;
import static dev.berth.engine.os.OpenFlags.O_WRONLY;

import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.OpenFlags;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's copy-up: the first mount of an empty volume gets the files the image has at the mount point,
 * with owners, modes, times and extended attributes (file capabilities included), and the volume's root
 * takes the owner and mode of the image's directory. The source is walked through directory descriptors
 * opened with O_NOFOLLOW below a start resolved in-root, and entries are created with O_EXCL|O_NOFOLLOW, so
 * neither the image nor the volume can redirect the copy. Hard links are copied as separate files.
 */
final class CopyUp {
    private static final Logger log = LoggerFactory.getLogger(CopyUp.class);

    private CopyUp() {}

    /**
     * Copies {@code destination} (symlink-free, as {@link MountTargets} returns it) of {@code rootfs} into
     * {@code data} if {@code data} is empty and the image has a directory there.
     */
    static void copyIfEmpty(Path rootfs, String destination, Path data) throws IOException {
        int dst = Linux.openat(OpenFlags.AT_FDCWD, data.toString(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        try {
            if (!RootDir.list(dst).isEmpty()) {
                return;
            }
            try (RootDir root = RootDir.open(rootfs)) {
                int src;
                try {
                    src = root.open(destination.replaceFirst("^/+", ""), O_RDONLY | O_DIRECTORY);
                } catch (ErrnoException e) {
                    if (e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR)) {
                        return;
                    }
                    throw e;
                }
                try {
                    copyChildren(src, dst);
                    Stat top = Linux.statx(src, "", OpenFlags.AT_EMPTY_PATH);
                    Linux.fchownat(dst, "", top.uid(), top.gid(), OpenFlags.AT_EMPTY_PATH);
                    Linux.fchmod(dst, top.mode() & 07777, data.toString());
                } finally {
                    Linux.close(src);
                }
            }
        } finally {
            Linux.close(dst);
        }
    }

    private static void copyChildren(int src, int dst) throws IOException {
        for (String name : RootDir.list(src)) {
            Stat st = Linux.statx(src, name, 0);
            switch (st.type()) {
                case OpenFlags.S_IFDIR -> directory(src, dst, name, st);
                case OpenFlags.S_IFREG -> regular(src, dst, name, st);
                case OpenFlags.S_IFLNK -> {
                    Linux.symlinkat(Linux.readlinkat(src, name), dst, name);
                    Linux.fchownat(dst, name, st.uid(), st.gid(), AT_SYMLINK_NOFOLLOW);
                }
                case OpenFlags.S_IFCHR, OpenFlags.S_IFBLK, OpenFlags.S_IFIFO -> {
                    Linux.mknodat(dst, name, st.mode(), st.rdevMajor(), st.rdevMinor());
                    Linux.fchownat(dst, name, st.uid(), st.gid(), AT_SYMLINK_NOFOLLOW);
                }
                default -> {
                    continue; // sockets belong to a process, not to the image
                }
            }
            xattrs(src, dst, name);
            Linux.utimensat(dst, name, st.mtimeSec(), st.mtimeNsec(), AT_SYMLINK_NOFOLLOW);
        }
    }

    private static void directory(int src, int dst, String name, Stat st) throws IOException {
        Linux.mkdirat(dst, name, 0700);
        int from = Linux.openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        try {
            int to = Linux.openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
            try {
                copyChildren(from, to);
                Linux.fchownat(to, "", st.uid(), st.gid(), OpenFlags.AT_EMPTY_PATH);
                Linux.fchmod(to, st.mode() & 07777, name); // after chown, which clears set-id bits
            } finally {
                Linux.close(to);
            }
        } finally {
            Linux.close(from);
        }
    }

    private static void regular(int src, int dst, String name, Stat st) throws IOException {
        int from = Linux.openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
        try {
            int to = Linux.openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
            try {
                try (FileChannel in = FileChannel.open(Path.of("/proc/self/fd/" + from), StandardOpenOption.READ);
                        FileChannel out = FileChannel.open(Path.of("/proc/self/fd/" + to), StandardOpenOption.WRITE)) {
                    long done = 0;
                    while (done < in.size()) {
                        done += in.transferTo(done, in.size() - done, out);
                    }
                }
                Linux.fchownat(to, "", st.uid(), st.gid(), OpenFlags.AT_EMPTY_PATH);
                Linux.fchmod(to, st.mode() & 07777, name);
            } finally {
                Linux.close(to);
            }
        } finally {
            Linux.close(from);
        }
    }

    /** Extended attributes through the parent's descriptor, without following a symlink leaf. */
    private static void xattrs(int src, int dst, String name) throws ErrnoException {
        for (String attr : Linux.llistxattr(RootDir.procPath(src, name))) {
            try {
                byte[] value = Linux.lgetxattr(RootDir.procPath(src, name), attr);
                if (value != null) {
                    Linux.lsetxattr(RootDir.procPath(dst, name), attr, value);
                }
            } catch (ErrnoException e) {
                // overlayfs-private or unsupported attributes (user.* on a symlink): dockerd skips them too
                log.debug("extended attribute {} of {} not copied: {}", attr, name, e.toString());
            }
        }
    }
}
