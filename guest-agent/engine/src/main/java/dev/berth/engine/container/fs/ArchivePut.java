package dev.berth.engine.container.fs;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.NoSpaceException;
import dev.berth.engine.archive.TarApplier;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.rootfs.UserResolver;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.DiskFullException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.oci.tar.TarFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code PUT /containers/{id}/archive?path=}: extracts the request's tar into a directory of the container
 * (docker cp into a container). The destination is resolved with the container's symlinks followed in-root,
 * including the last element (so a link to a directory works, as in dockerd); it must exist and be a
 * directory. The upload is validated completely before the first byte is extracted ({@link UploadSpool}),
 * then applied by {@link TarApplier} with the container's root as its root: every name is resolved in-root
 * and created without following links, so neither the archive nor the container's own links can reach the
 * host, even while a process in the container swaps directories for symlinks (CVE-2018-15664). Devices in
 * the archive are skipped.
 */
final class ArchivePut {
    /** Errors that mean the archive does not fit this container, not that the engine failed. */
    private static final Set<Integer> CLIENT_ERRORS = Set.of(Errno.EROFS, Errno.ENOENT,
            Errno.EBUSY, Errno.ENOTDIR, Errno.EISDIR, Errno.EEXIST, Errno.ENOTEMPTY, Errno.ELOOP, Errno.ENAMETOOLONG,
            Errno.EPERM);

    private final ContainerContext ctx;
    private final ContainerRoots roots;
    private final MountRules mounts;
    private final ApplyOptions limits;
    private final Path staging;

    ArchivePut(ContainerContext ctx, ContainerRoots roots, MountRules mounts, ApplyOptions limits, Path staging) {
        this.ctx = ctx;
        this.roots = roots;
        this.mounts = mounts;
        this.limits = limits;
        this.staging = staging;
    }

    void extract(String ref, String rawPath, boolean noOverwriteDirNonDir, boolean copyUidGid, InputStream body)
            throws IOException {
        Container c = ctx.store().get(ref);
        CpPath path = CpPath.parse(rawPath);
        Path spool = null;
        try (MountedRoot view = roots.live(c)) {
            String dest = ScopedSymlinks.follow(view.root(), path.clean());
            checkDirectory(view, dest, path, ref);
            mounts.checkWritable(c, view, dest);
            SpecInput.User owner = copyUidGid ? owner(view, c) : null;
            UploadSpool.Options o = new UploadSpool.Options(dest.substring(1), dest, ref, noOverwriteDirNonDir,
                    owner == null ? null : owner.uid(), owner == null ? null : owner.gid(), view.mounts(),
                    limits.maxBytes(), limits.maxEntries(), limits.freeSpaceReserve());
            spool = spoolChecked(body, view, o);
            apply(spool, view, dest, ref);
        } finally {
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        }
        ctx.events().publish(c, "extract-to-dir");
    }

    private static void checkDirectory(MountedRoot view, String dest, CpPath path, String ref) throws IOException {
        try {
            Linux.close(view.root().openDir(dest.substring(1)));
        } catch (ErrnoException e) {
            if (e.is(Errno.ENOTDIR)) {
                throw new InvalidArgumentException("extraction point is not a directory");
            }
            throw CpTarget.translate(e, path, ref);
        }
    }

    /** copyUIDGID: the container user's ids from its own passwd and group files; no user means the archive's. */
    private static SpecInput.User owner(MountedRoot view, Container c) throws IOException {
        String user = c.record().config().user();
        if (user == null || user.isEmpty()) {
            return null;
        }
        return UserResolver.resolve(view.root(), user, List.of());
    }

    private Path spoolChecked(InputStream body, MountedRoot view, UploadSpool.Options o) throws IOException {
        try {
            return UploadSpool.write(body, view.root(), o, staging);
        } catch (ArchiveException | TarFormatException | EOFException e) {
            throw new InvalidArgumentException("invalid archive for " + o.destPath() + " in container "
                    + o.container() + ": " + e.getMessage(), e);
        }
    }

    private void apply(Path spool, MountedRoot view, String dest, String ref) throws IOException {
        ApplyOptions options = new ApplyOptions(false, true, false, limits.maxBytes(), limits.maxEntries(),
                limits.freeSpaceReserve());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(spool), 1 << 16)) {
            TarApplier.apply(in, view.root(), options);
        } catch (NoSpaceException e) {
            throw new DiskFullException(e.getMessage() + " (copying into " + dest + " of container " + ref + ")");
        } catch (ArchiveException e) {
            throw new InvalidArgumentException("cannot extract into " + dest + " of container " + ref + ": "
                    + e.getMessage(), e);
        } catch (ErrnoException e) {
            throw translate(e, dest, ref);
        }
    }

    private static RuntimeException translate(ErrnoException e, String dest, String ref) {
        String where = " (copying into " + dest + " of container " + ref + ")";
        if (e.is(Errno.ENOSPC) || e.is(Errno.EDQUOT)) {
            return new DiskFullException("no space left on device" + where);
        }
        // a dangling link in the way, a file where the archive needs a directory, a read-only mount, a mount
        // point to replace (/etc/hosts: dockerd fails there too): the archive does not fit this container
        if (CLIENT_ERRORS.contains(e.errno())) {
            return new InvalidArgumentException(e.getMessage() + where, e);
        }
        return new SystemException(e.getMessage() + where, e);
    }
}
