package dev.berth.engine.container.fs;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A container's writable layer as an image layer tar, as dockerd's overlay2 driver writes it (its Diff with
 * the overlay whiteout format): the {@code upper} tree as it is, except that overlayfs' own markers become
 * the OCI ones an image carries:
 * <ul>
 *   <li>a whiteout (character device 0/0) becomes an empty file {@code .wh.<name>} (mode 0600);</li>
 *   <li>an opaque directory is followed by an empty file {@code <dir>/.wh..wh..opq}, before its entries;</li>
 *   <li>overlayfs' {@code trusted.overlay.*} attributes never reach the tar (only
 *   {@code security.capability} does, as in dockerd's layers).</li>
 * </ul>
 * The runtime's mount points ({@link InitArtifacts}) are left out. A layer made with overlayfs features
 * that store part of a file elsewhere (metacopy, redirect_dir) is refused rather than committed wrong.
 */
final class LayerTar {
    private final TarWriter out;
    private final Set<String> hidden;
    private final TreeTar files;
    private final String container;

    private LayerTar(TarWriter out, Set<String> hidden, String container) {
        this.out = out;
        this.hidden = hidden;
        this.files = new TreeTar(out, st -> false);
        this.container = container;
    }

    /** Writes the members of {@code upper} (not the end-of-archive blocks) to {@code out}. */
    static void write(Path upper, Set<String> hidden, TarWriter out, String container) throws IOException {
        try (RootDir up = RootDir.open(upper)) {
            new LayerTar(out, hidden, container).directory(up.fd(), "");
        }
    }

    private void directory(int dirFd, String path) throws IOException {
        List<String> names = new ArrayList<>(RootDir.list(dirFd));
        names.sort(null);
        for (String name : names) {
            String p = path + "/" + name;
            if (hidden.contains(p)) {
                continue;
            }
            Integer fd = FileContent.pin(dirFd, name);
            if (fd == null) {
                continue;
            }
            try {
                entry(dirFd, name, fd, FileContent.stat(fd), p);
            } finally {
                Linux.close(fd);
            }
        }
    }

    private void entry(int dirFd, String name, int fd, Stat st, String p) throws IOException {
        String rel = p.substring(1);
        if (st.isWhiteout()) {
            String parent = rel.substring(0, rel.length() - name.length());
            out.write(new TarEntry(parent + ".wh." + name, TarEntry.Type.FILE, 0600, st.uid(), st.gid(), 0,
                    st.mtimeSec(), "", "", "", 0, 0, null), TreeTar.NONE);
            return;
        }
        if (!st.isDirectory()) {
            refuseIf(st.isRegular() && hasXattr(dirFd, name, "trusted.overlay.metacopy"), p, "metacopy");
            files.add(dirFd, name, fd, st, rel);
            return;
        }
        refuseIf(hasXattr(dirFd, name, "trusted.overlay.redirect"), p, "redirect_dir");
        out.write(TreeTar.header(rel + "/", st, TarEntry.Type.DIRECTORY, "", null), TreeTar.NONE);
        if (LowerDir.isOpaque(dirFd, name)) {
            out.write(new TarEntry(rel + "/.wh..wh..opq", TarEntry.Type.FILE, st.mode() & 0777, st.uid(), st.gid(),
                    0, 0, "", "", "", 0, 0, null), TreeTar.NONE);
        }
        directory(fd, p);
    }

    private void refuseIf(boolean unsupported, String path, String feature) {
        if (unsupported) {
            throw new SystemException("cannot commit container " + container + ": " + path + " in its writable "
                    + "layer uses the overlayfs " + feature + " feature, which berth does not read; mount overlays "
                    + "without " + feature);
        }
    }

    private static boolean hasXattr(int dirFd, String name, String attr) throws IOException {
        try {
            return Linux.lgetxattr(RootDir.procPath(dirFd, name), attr) != null;
        } catch (ErrnoException e) {
            return false;
        }
    }
}
