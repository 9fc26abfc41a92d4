package dev.berth.engine.container.fs;

import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_DIRECTORY;
import static dev.berth.engine.os.OpenFlags.O_PATH;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.Stat;
import java.io.IOException;

/**
 * The resource a {@code docker cp} from a container names, pinned: the descriptor of its parent directory
 * (resolved in-root, following the container's symlinks as a chrooted process would) and an O_PATH
 * descriptor of the resource itself. The last element is not followed if it is a symlink (dockerd lstats it;
 * the CLI follows links itself with {@code -L}), unless the path ends in {@code /} or {@code /.}, which asks
 * the kernel for a directory and so follows. Stat and content come from the same pinned inode.
 */
record CpTarget(int parentFd, String leaf, int fd, Stat stat) implements AutoCloseable {

    /**
     * @param container the container as the client named it, for Docker's "Could not find the file" text
     */
    static CpTarget resolve(MountedRoot view, CpPath path, String container) throws IOException {
        CpTarget t = path.assertsDir() || path.isRoot()
                ? wholePath(view, path, container) : lastUnfollowed(view, path, container);
        if (!t.stat.isDirectory() && view.live() && view.skipContents(t.stat)) {
            t.close(); // a file of /proc or /sys: not the container's own data, dockerd does not show it either
            throw notFound(path, container);
        }
        return t;
    }

    private static CpTarget wholePath(MountedRoot view, CpPath path, String container) throws IOException {
        int fd;
        try {
            fd = view.root().open(path.rel(), O_PATH | O_DIRECTORY);
        } catch (ErrnoException e) {
            throw translate(e, path, container);
        }
        try {
            // the directory itself stands in for its parent: capabilities are only read for files
            return new CpTarget(Linux.openat(fd, ".", O_PATH | O_CLOEXEC, 0), ".", fd,
                    FileContent.stat(fd));
        } catch (IOException | RuntimeException e) {
            Linux.close(fd);
            throw e;
        }
    }

    private static CpTarget lastUnfollowed(MountedRoot view, CpPath path, String container) throws IOException {
        int parent;
        try {
            parent = view.root().openDir(path.parentRel());
        } catch (ErrnoException e) {
            throw translate(e, path, container);
        }
        try {
            Integer fd = FileContent.pin(parent, path.leaf());
            if (fd == null) {
                throw notFound(path, container);
            }
            try {
                return new CpTarget(parent, path.leaf(), fd, FileContent.stat(fd));
            } catch (IOException | RuntimeException e) {
                Linux.close(fd);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            Linux.close(parent);
            throw e;
        }
    }

    static RuntimeException translate(ErrnoException e, CpPath path, String container) {
        if (e.is(Errno.ENOENT)) {
            return notFound(path, container);
        }
        if (e.is(Errno.ENOTDIR)) {
            return new InvalidArgumentException("lstat " + path.raw() + ": not a directory (in container "
                    + container + ")");
        }
        if (e.is(Errno.ELOOP)) {
            return new InvalidArgumentException("lstat " + path.raw() + ": too many levels of symbolic links (in "
                    + "container " + container + ")");
        }
        return new SystemException("cannot open " + path.raw() + " in container " + container
                + ": " + e.getMessage(), e);
    }

    /** Docker's exact text (the CLI and scripts match on it). */
    static NotFoundException notFound(CpPath path, String container) {
        return new NotFoundException("Could not find the file " + path.raw() + " in container " + container);
    }

    @Override
    public void close() {
        Linux.close(fd);
        Linux.close(parentFd);
    }
}
