package dev.berth.engine.container.fs;

import dev.berth.engine.api.Response;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.oci.tar.TarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code HEAD} and {@code GET /containers/{id}/archive?path=}: the stat of a container path, and a tar of it
 * (docker cp out of a container). A directory is archived under its base name ({@code www/},
 * {@code www/index.html}); {@code path/.} archives its contents as {@code ./...}; a file or symlink is one
 * member named after it. The trailing symlink is not followed (the CLI does that itself for {@code -L}, using
 * {@code linkTarget} from the stat).
 */
final class ArchiveGet {
    private static final int BUFFER = 64 * 1024;

    private final ContainerContext ctx;
    private final ContainerRoots roots;
    private final MountRules mounts;

    ArchiveGet(ContainerContext ctx, ContainerRoots roots, MountRules mounts) {
        this.ctx = ctx;
        this.roots = roots;
        this.mounts = mounts;
    }

    /** {@code HEAD}: 200 with the stat header, 404 with dockerd's text if the path does not exist. */
    void stat(String ref, String rawPath, Response res) throws IOException {
        Container c = ctx.store().get(ref);
        CpPath path = CpPath.parse(rawPath);
        try (MountedRoot view = roots.live(c)) {
            mounts.checkReadable(c, view, path.clean());
            try (CpTarget t = CpTarget.resolve(view, path, ref)) {
                res.header(PathStat.HEADER, stat(view, path, t).header());
            }
        }
        res.empty(200);
    }

    /** {@code GET}: the stat header and the tar, streamed while the container's filesystem stays open. */
    void archive(String ref, String rawPath, Response res) throws IOException {
        Container c = ctx.store().get(ref);
        CpPath path = CpPath.parse(rawPath);
        OutputStream body;
        try (MountedRoot view = roots.live(c)) {
            mounts.checkReadable(c, view, path.clean());
            try (CpTarget t = CpTarget.resolve(view, path, ref)) {
                res.header(PathStat.HEADER, stat(view, path, t).header());
                // Nothing is sent before the first member is written: a failure up to here is a proper status.
                body = res.lazyStream(200, "application/x-tar");
                OutputStream buffered = new BufferedOutputStream(body, BUFFER);
                TarWriter tar = new TarWriter(buffered);
                TreeTar tree = new TreeTar(tar, view.live() ? view::skipContents : st -> false);
                tree.add(t.parentFd(), t.leaf(), t.fd(), t.stat(), path.baseName());
                tar.finish();
                buffered.flush();
            }
        }
        body.close(); // after the unmount and unlock, so the client never sees the end before they happened
        ctx.events().publish(c, "archive-path");
    }

    /** What dockerd reports: lstat of the path, and for a symlink its target resolved in the container. */
    static PathStat stat(MountedRoot view, CpPath path, CpTarget t) throws IOException {
        String linkTarget = t.stat().isSymlink() ? ScopedSymlinks.follow(view.root(), path.clean()) : "";
        return PathStat.of(path.baseName(), t.stat(), linkTarget);
    }
}
