package dev.berth.engine.archive;

import static dev.berth.engine.os.OpenFlags.AT_SYMLINK_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_CREAT;
import static dev.berth.engine.os.OpenFlags.O_DIRECTORY;
import static dev.berth.engine.os.OpenFlags.O_EXCL;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_RDONLY;
import static dev.berth.engine.os.OpenFlags.O_WRONLY;
import static dev.berth.engine.os.OpenFlags.S_IFBLK;
import static dev.berth.engine.os.OpenFlags.S_IFCHR;
import static dev.berth.engine.os.OpenFlags.S_IFIFO;

import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Applies a tar stream to a directory as if that directory were "/": every parent is resolved in-root
 * ({@link RootDir}), every leaf is created with O_NOFOLLOW/O_EXCL, hardlinks may only point at files inside
 * the root, and ownership/mode/times never go through a symlink. Used for image layers (with OCI→overlay
 * whiteout conversion) and, later, for {@code docker cp} into containers.
 */
public final class TarApplier {
    private static final byte[] OPAQUE = {'y'};
    private static final int BUFFER = 256 * 1024;
    private static final long SPACE_CHECK_EVERY = 64L << 20;

    private final RootDir root;
    private final ApplyOptions options;
    private final List<DirTime> dirTimes = new ArrayList<>();
    private long entries;
    private long bytes;
    private long skippedDevices;
    private long nextSpaceCheck;

    private record DirTime(String rel, long mtime) {}

    private TarApplier(RootDir root, ApplyOptions options) {
        this.root = root;
        this.options = options;
    }

    /** Reads {@code tar} to its end and applies every member under {@code root}. */
    public static ApplyResult apply(InputStream tar, RootDir root, ApplyOptions options) throws IOException {
        TarApplier a = new TarApplier(root, options);
        TarReader reader = new TarReader(tar);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(BUFFER);
            for (TarEntry e = reader.next(); e != null; e = reader.next()) {
                a.applyOne(e, reader, buf);
            }
        }
        reader.drain();
        a.restoreDirectoryTimes();
        return new ApplyResult(a.entries, a.bytes, a.skippedDevices);
    }

    private void applyOne(TarEntry e, TarReader reader, MemorySegment buf) throws IOException {
        if (++entries > options.maxEntries()) {
            throw new ArchiveException("archive has more than " + options.maxEntries() + " entries");
        }
        String rel = clean(e.name());
        if (rel.isEmpty()) {
            return; // the root itself: its mode belongs to whoever created the directory
        }
        int slash = rel.lastIndexOf('/');
        String parentRel = slash < 0 ? "" : rel.substring(0, slash);
        String leaf = rel.substring(slash + 1);
        if (options.overlayWhiteouts() && leaf.startsWith(".wh.")) {
            applyWhiteout(parentRel, leaf, rel);
            return;
        }
        int parent = root.mkdirs(parentRel, 0755);
        try {
            replaceExisting(parent, leaf, e.type() == TarEntry.Type.DIRECTORY);
            switch (e.type()) {
                case DIRECTORY -> directory(parent, leaf, rel, e);
                case FILE -> file(parent, leaf, rel, e, reader.content(), buf);
                case SYMLINK -> symlink(parent, leaf, e);
                case HARDLINK -> hardlink(parent, leaf, rel, e);
                case CHAR, BLOCK, FIFO -> special(parent, leaf, e);
            }
        } catch (ErrnoException err) {
            if (err.is(Errno.ENOSPC) || err.is(Errno.EDQUOT)) {
                throw new NoSpaceException("no space left on device while writing " + rel);
            }
            throw err;
        } finally {
            Linux.close(parent);
        }
    }

    /** {@code .wh..wh..opq} marks its directory opaque; {@code .wh.name} deletes {@code name} below. */
    private void applyWhiteout(String parentRel, String leaf, String rel) throws IOException {
        if (leaf.equals(".wh..wh..opq")) {
            int dir = root.mkdirs(parentRel, 0755);
            try {
                int real = Linux.openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
                try {
                    Linux.fsetxattr(real, "trusted.overlay.opaque", OPAQUE, parentRel);
                } finally {
                    Linux.close(real);
                }
            } finally {
                Linux.close(dir);
            }
            return;
        }
        String target = leaf.substring(".wh.".length());
        if (target.isEmpty() || target.equals(".") || target.equals("..") || target.startsWith(".wh.")) {
            throw new ArchiveException("invalid whiteout entry " + rel);
        }
        int dir = root.mkdirs(parentRel, 0755);
        try {
            RootDir.removeAll(dir, target);
            Linux.mknodat(dir, target, S_IFCHR, 0, 0);
        } finally {
            Linux.close(dir);
        }
    }

    /** Tar semantics: a later member replaces an earlier one, except that a directory merges into one. */
    private static void replaceExisting(int parent, String leaf, boolean newIsDirectory) throws IOException {
        Stat st = RootDir.lstat(parent, leaf);
        if (st != null && !(st.isDirectory() && newIsDirectory)) {
            RootDir.removeAll(parent, leaf);
        }
    }

    private void directory(int parent, String leaf, String rel, TarEntry e) throws IOException {
        try {
            Linux.mkdirat(parent, leaf, 0700);
        } catch (ErrnoException x) {
            if (!x.is(Errno.EEXIST)) {
                throw x;
            }
        }
        int fd = Linux.openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        try {
            ownModeXattrs(parent, leaf, fd, rel, e);
        } finally {
            Linux.close(fd);
        }
        dirTimes.add(new DirTime(rel, e.mtime()));
    }

    private void file(int parent, String leaf, String rel, TarEntry e, InputStream content, MemorySegment buf)
            throws IOException {
        if (bytes + e.size() > options.maxBytes()) {
            throw new ArchiveException("archive content exceeds " + options.maxBytes() + " bytes at " + rel);
        }
        checkSpace(e.size(), rel);
        int fd = Linux.openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        try {
            copy(content, fd, buf, rel);
            ownModeXattrs(parent, leaf, fd, rel, e);
        } finally {
            Linux.close(fd);
        }
        Linux.utimensat(parent, leaf, e.mtime(), 0, AT_SYMLINK_NOFOLLOW);
    }

    private void copy(InputStream in, int fd, MemorySegment buf, String rel) throws IOException {
        byte[] heap = new byte[BUFFER];
        int n;
        while ((n = in.read(heap)) > 0) {
            MemorySegment.copy(heap, 0, buf, ValueLayout.JAVA_BYTE, 0, n);
            Linux.writeFully(fd, buf, n, rel);
            bytes += n;
        }
    }

    private void symlink(int parent, String leaf, TarEntry e) throws IOException {
        // Any target is allowed: it is only ever followed in-root (by us) or inside the container.
        Linux.symlinkat(e.linkName(), parent, leaf);
        if (options.chownFromArchive()) {
            Linux.fchownat(parent, leaf, e.uid(), e.gid(), AT_SYMLINK_NOFOLLOW);
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            Linux.lsetxattr(RootDir.procPath(parent, leaf), x.getKey(), x.getValue());
        }
        Linux.utimensat(parent, leaf, e.mtime(), 0, AT_SYMLINK_NOFOLLOW);
    }

    /**
     * A hardlink shares the inode of a file already inside the root. Its own header metadata is ignored:
     * applying it would chmod the target, which is how CVE-2021-32760 changed host file modes.
     */
    private void hardlink(int parent, String leaf, String rel, TarEntry e) throws IOException {
        String target = clean(e.linkName());
        int slash = target.lastIndexOf('/');
        int targetDir;
        try {
            targetDir = root.openDir(slash < 0 ? "" : target.substring(0, slash));
        } catch (ErrnoException x) {
            throw new ArchiveException("hardlink " + rel + " points to missing " + e.linkName());
        }
        try {
            String targetLeaf = target.substring(slash + 1);
            Stat st = RootDir.lstat(targetDir, targetLeaf);
            if (st == null || st.isDirectory()) {
                throw new ArchiveException("hardlink " + rel + " must point to an existing file, not " + e.linkName());
            }
            Linux.linkat(targetDir, targetLeaf, parent, leaf, 0);
        } finally {
            Linux.close(targetDir);
        }
    }

    private void special(int parent, String leaf, TarEntry e) throws IOException {
        int type = switch (e.type()) {
            case CHAR -> S_IFCHR;
            case BLOCK -> S_IFBLK;
            default -> S_IFIFO;
        };
        if (type != S_IFIFO && !options.allowDevices()) {
            skippedDevices++;
            return;
        }
        Linux.mknodat(parent, leaf, type | (e.mode() & 07777), e.devMajor(), e.devMinor());
        if (options.chownFromArchive()) {
            Linux.fchownat(parent, leaf, e.uid(), e.gid(), AT_SYMLINK_NOFOLLOW);
        }
        Linux.utimensat(parent, leaf, e.mtime(), 0, AT_SYMLINK_NOFOLLOW);
    }

    /** chown before chmod: chown clears set-uid/set-gid bits the archive may carry. */
    private void ownModeXattrs(int parent, String leaf, int fd, String rel, TarEntry e) throws IOException {
        if (options.chownFromArchive()) {
            Linux.fchownat(parent, leaf, e.uid(), e.gid(), AT_SYMLINK_NOFOLLOW);
        }
        Linux.fchmod(fd, e.mode() & 07777, rel);
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            Linux.fsetxattr(fd, x.getKey(), x.getValue(), rel);
        }
    }

    private void checkSpace(long size, String rel) throws IOException {
        if (bytes + size < nextSpaceCheck) {
            return;
        }
        long free = Files.getFileStore(root.path()).getUsableSpace();
        if (free - size < options.freeSpaceReserve()) {
            throw new NoSpaceException("no space left on device: writing " + rel + " would leave less than "
                    + (options.freeSpaceReserve() >> 20) + " MiB free under " + root.path());
        }
        nextSpaceCheck = bytes + size + Math.min(SPACE_CHECK_EVERY, Math.max(0, (free - options.freeSpaceReserve()) / 2));
    }

    /** Directory times last, deepest first: creating entries inside a directory changes its mtime. */
    private void restoreDirectoryTimes() throws IOException {
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            DirTime d = dirTimes.get(i);
            int slash = d.rel().lastIndexOf('/');
            int parent = root.openDir(slash < 0 ? "" : d.rel().substring(0, slash));
            try {
                Linux.utimensat(parent, d.rel().substring(slash + 1), d.mtime(), 0, AT_SYMLINK_NOFOLLOW);
            } catch (ErrnoException gone) {
                // replaced by a later member or a whiteout; nothing to restore
            } finally {
                Linux.close(parent);
            }
        }
    }

    /**
     * A member name as a path relative to the root: leading {@code /} and {@code ./} dropped, {@code .} and
     * empty components removed, {@code ..} applied lexically. A name that climbs above the root is refused:
     * no legitimate layer contains one.
     */
    static String clean(String name) throws ArchiveException {
        Deque<String> parts = new ArrayDeque<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    throw new ArchiveException("archive entry " + name + " escapes the root");
                }
                parts.removeLast();
            } else {
                parts.addLast(c);
            }
        }
        return String.join("/", parts);
    }
}
