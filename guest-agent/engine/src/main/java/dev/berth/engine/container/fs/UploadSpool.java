package dev.berth.engine.container.fs;

import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.errors.DiskFullException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import dev.berth.oci.tar.TarWriter;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code docker cp} upload to its end before anything is written into the container, so that a
 * hostile or broken archive (a name climbing out with {@code ../}, an absolute name, a hardlink to outside,
 * a directory/non-directory clash under {@code noOverwriteDirNonDir}, a truncated stream) is refused with
 * nothing extracted. What passes is rewritten to a spool file under the engine's staging directory:
 * <ul>
 *   <li>names become relative to the container's root ({@code tmp/x} for an entry {@code x} extracted into
 *   /tmp), so the extractor resolves every name in the container's root and a symlink in the container means
 *   what it means to the container's processes, as in dockerd's chrooted extraction;</li>
 *   <li>with {@code copyUIDGID} every entry gets the container user's uid and gid (dockerd's ChownOpts);
 *   otherwise the archive's own ownership is kept, as dockerd does;</li>
 *   <li>overlayfs' private {@code trusted.overlay.*} attributes are dropped: a client must never be able to
 *   mark directories opaque or redirect them.</li>
 * </ul>
 * The entry for the destination itself ({@code .}) is dropped: dockerd skips it too, so copying
 * {@code dir/.} into /tmp never changes /tmp's own mode or owner.
 */
final class UploadSpool {
    private static final long SPACE_CHECK_EVERY = 64L << 20;

    /**
     * @param destRel   the destination directory relative to the container root ("" for "/")
     * @param destPath  the destination as shown in errors ({@code /tmp})
     * @param uid       the owner every entry gets, or null to keep the archive's
     * @param mounts    the running container's mounts, none may be replaced
     */
    record Options(String destRel, String destPath, String container, boolean noOverwriteDirNonDir, Long uid,
            Long gid, ContainerMounts mounts, long maxBytes, long maxEntries, long freeSpaceReserve) {}

    private final RootDir root;
    private final Options o;
    private final Map<String, Boolean> kinds = new HashMap<>();
    /** Directories of the archive (relative to the destination) → their path in the container, links followed. */
    private final Map<String, String> resolvedDirs = new HashMap<>();
    private long entries;
    private long bytes;
    private long nextSpaceCheck;

    private UploadSpool(RootDir root, Options o) {
        this.root = root;
        this.o = o;
    }

    /** Validates {@code body} (plain, gzip or zstd tar); writes the rewritten archive to a new file in staging. */
    static Path write(InputStream body, RootDir root, Options o, Path staging) throws IOException {
        Files.createDirectories(staging);
        Path spool = Files.createTempFile(staging, "cp-", ".tar");
        try (InputStream tar = Decompress.open(unclosable(body));
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
            new UploadSpool(root, o).copy(new TarReader(tar), new TarWriter(file), spool);
            return spool;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    private void copy(TarReader in, TarWriter out, Path spool) throws IOException {
        for (TarEntry e = in.next(); e != null; e = in.next()) {
            if (++entries > o.maxEntries()) {
                throw new ArchiveException("archive has more than " + o.maxEntries() + " entries");
            }
            String rel = inside(e.name());
            if (rel.isEmpty()) {
                continue;
            }
            boolean dir = e.type() == TarEntry.Type.DIRECTORY;
            if (o.noOverwriteDirNonDir()) {
                checkKind(rel, dir, e.name());
            }
            checkMounts(rel, dir);
            bytes += e.size();
            if (bytes > o.maxBytes()) {
                throw new ArchiveException("archive content exceeds " + o.maxBytes() + " bytes");
            }
            checkSpace(spool, e.size());
            out.write(rewrite(e, rel, dir), in.content());
        }
        out.close();
    }

    private TarEntry rewrite(TarEntry e, String rel, boolean dir) throws IOException {
        String name = TreeTar.join(o.destRel(), rel) + (dir ? "/" : "");
        String link = e.type() == TarEntry.Type.HARDLINK
                ? TreeTar.join(o.destRel(), inside(e.linkName())) : e.linkName();
        Map<String, byte[]> xattrs = new LinkedHashMap<>(e.xattrs());
        xattrs.keySet().removeIf(k -> k.startsWith("trusted.overlay."));
        long uid = o.uid() != null ? o.uid() : e.uid();
        long gid = o.gid() != null ? o.gid() : e.gid();
        return new TarEntry(name, e.type(), e.mode(), uid, gid, e.size(), e.mtime(), link, e.userName(),
                e.groupName(), e.devMajor(), e.devMinor(), xattrs);
    }

    /** The entry's name relative to the destination; absolute names and names climbing out are refused. */
    private String inside(String name) {
        if (name.startsWith("/")) {
            throw new InvalidArgumentException("invalid archive: entry \"" + name + "\" has an absolute name; "
                    + "entries must be relative to " + o.destPath() + " (container " + o.container() + ")");
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    throw new InvalidArgumentException("invalid archive: entry \"" + name + "\" is outside of \""
                            + o.destPath() + "\" (container " + o.container() + ")");
                }
                parts.removeLast();
            } else {
                parts.addLast(c);
            }
        }
        return String.join("/", parts);
    }

    /**
     * noOverwriteDirNonDir (the CLI always sends it): an existing directory may not become a non-directory
     * and the reverse. "Existing" is the container's file, or an earlier entry of this archive.
     */
    private void checkKind(String rel, boolean dir, String name) throws IOException {
        Boolean existingDir = kinds.get(rel);
        if (existingDir == null) {
            Stat st = lstat(TreeTar.join(o.destRel(), rel));
            existingDir = st == null ? null : st.isDirectory();
        }
        String where = TreeTar.join(o.destPath(), rel);
        if (Boolean.TRUE.equals(existingDir) && !dir) {
            throw new InvalidArgumentException("cannot overwrite directory \"" + where + "\" with non-directory \""
                    + name + "\" (container " + o.container() + ")");
        }
        if (Boolean.FALSE.equals(existingDir) && dir) {
            throw new InvalidArgumentException("cannot overwrite non-directory \"" + where + "\" with directory \""
                    + name + "\" (container " + o.container() + ")");
        }
        kinds.put(rel, dir);
    }

    /**
     * Replacing an entry that is, or holds, a mount point of the running container (its /etc/hosts, a
     * volume) is refused with the error dockerd meets there: the engine is outside the container's mount
     * namespace, where the kernel would let the unlink through and silently detach the container's mount,
     * after deleting a volume's contents on the way. The entry's directory is resolved with the container's
     * links, so a link planted in the container ({@code /tmp/x -> /}) does not hide a mount point.
     */
    private void checkMounts(String rel, boolean dir) throws IOException {
        if (o.mounts().mountPoints().isEmpty()) {
            return;
        }
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : rel.substring(0, slash);
        String resolved = resolvedDirs.get(parent);
        if (resolved == null) {
            resolved = ScopedSymlinks.follow(root, TreeTar.join(o.destPath(), parent));
            resolvedDirs.put(parent, resolved);
        }
        String where = TreeTar.join(resolved, rel.substring(slash + 1));
        if (!o.mounts().holdsMount(where)) {
            return;
        }
        Stat st = lstat(where.substring(1));
        if (st != null && !(st.isDirectory() && dir)) {
            throw new InvalidArgumentException("cannot replace " + where + " in container " + o.container()
                    + ": unlinkat " + where + ": device or resource busy");
        }
    }

    /** lstat of a container path; its parents are resolved in-root. Null if it does not exist. */
    private Stat lstat(String rel) throws IOException {
        int slash = rel.lastIndexOf('/');
        int dir;
        try {
            dir = root.openDir(slash < 0 ? "" : rel.substring(0, slash));
        } catch (ErrnoException missing) {
            return null;
        }
        try {
            return RootDir.lstat(dir, rel.substring(slash + 1));
        } finally {
            Linux.close(dir);
        }
    }

    private void checkSpace(Path spool, long size) throws IOException {
        if (bytes < nextSpaceCheck) {
            return;
        }
        long free = Files.getFileStore(spool).getUsableSpace();
        if (free - size < o.freeSpaceReserve()) {
            throw new DiskFullException("no space left on device: receiving the archive for " + o.destPath()
                    + " in container " + o.container() + " would leave less than " + (o.freeSpaceReserve() >> 20)
                    + " MiB free");
        }
        nextSpaceCheck = bytes + Math.min(SPACE_CHECK_EVERY, Math.max(0, (free - o.freeSpaceReserve()) / 2));
    }

    /** The request body is the connection's; decompressors are closed, the body is left to its owner. */
    private static InputStream unclosable(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // the HTTP layer drains and closes the body
            }
        };
    }
}
