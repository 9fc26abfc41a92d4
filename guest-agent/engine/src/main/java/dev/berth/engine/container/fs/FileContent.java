package dev.berth.engine.container.fs;

import static dev.berth.engine.os.OpenFlags.AT_EMPTY_PATH;
import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_PATH;

import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Safe access to one directory entry of a container's filesystem while the container may be changing it.
 * An entry is first pinned with {@code O_PATH|O_NOFOLLOW} (which opens nothing: no device driver, no FIFO
 * wait) and its type read from that descriptor. Only a verified regular file is then opened for reading, and
 * through {@code /proc/self/fd/N}, i.e. exactly the pinned inode: swapping the name for a device node
 * (CAP_MKNOD is in Docker's default set) between our check and our read cannot make the engine read a host
 * disk.
 */
final class FileContent {
    private FileContent() {}

    /** An O_PATH descriptor of {@code leaf} in {@code dirFd}, never following it; null if it is gone. */
    static Integer pin(int dirFd, String leaf) throws ErrnoException {
        try {
            return Linux.openat(dirFd, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            if (e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR)) {
                return null;
            }
            throw e;
        }
    }

    static Stat stat(int pinnedFd) throws ErrnoException {
        return Linux.statx(pinnedFd, "", AT_EMPTY_PATH);
    }

    /**
     * Exactly {@code size} bytes of the pinned regular file: a file that shrank while it was read is padded
     * with zeros and one that grew is cut, so a tar member always has the length its header announced (GNU
     * tar does the same).
     */
    static InputStream read(int pinnedFd, long size) throws IOException {
        InputStream in = Files.newInputStream(Path.of("/proc/self/fd/" + pinnedFd));
        return new InputStream() {
            private long left = size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int want = (int) Math.min(len, left);
                int n = in.read(b, off, want);
                if (n < 0) {
                    Arrays.fill(b, off, off + want, (byte) 0);
                    n = want;
                }
                left -= n;
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /**
     * The file capability of a regular file, as Docker archives it: revision 3 (namespaced root uid) becomes
     * revision 2, because the uid means nothing outside the user namespace the file came from.
     */
    static byte[] capability(int dirFd, String leaf) throws IOException {
        byte[] cap;
        try {
            cap = Linux.lgetxattr(RootDir.procPath(dirFd, leaf), "security.capability");
        } catch (ErrnoException e) {
            if (e.is(Errno.EOPNOTSUPP) || e.is(Errno.ENOENT)) {
                return null;
            }
            throw e;
        }
        if (cap != null && cap.length > 20 && cap[3] == 3) {
            cap = Arrays.copyOf(cap, 20);
            cap[3] = 2;
        }
        return cap;
    }
}
