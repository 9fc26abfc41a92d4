package dev.berth.engine.container.fs;

import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_DIRECTORY;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_PATH;

import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code docker diff}: what a container changed, from its writable layer ({@code upper}) compared with the
 * image's layers, with the results dockerd's naive diff gives (moby's ChangesDirs over the mounted trees):
 * <ul>
 *   <li>a whiteout (character device 0/0) is a deletion of what the image had there;</li>
 *   <li>an entry the image does not have is added, with everything below it;</li>
 *   <li>an entry the image has is modified if its mode, owner, device, or (for non-directories) size,
 *   mtime or file capability differ; a directory is also listed as modified when anything inside it
 *   changed;</li>
 *   <li>an opaque directory ({@code trusted.overlay.opaque=y}) deleted whatever the image had below it and
 *   the writable layer does not have.</li>
 * </ul>
 * The runtime's bare mount points ({@link InitArtifacts}) are left out, and reported as {@code hidden} so a
 * commit leaves them out of the layer too. Changes are sorted by path (dockerd's order is that of a Go map
 * walk, i.e. arbitrary); a directory always precedes its contents.
 */
final class ContainerChanges {
    record Result(List<Change> changes, Set<String> hidden) {}

    private final Set<String> hidden = new HashSet<>();

    private ContainerChanges() {}

    /** Changes of {@code upper} over the image layers {@code layersBottomFirst}; a missing upper has none. */
    static Result compute(Path upper, List<Path> layersBottomFirst) throws IOException {
        if (!Files.isDirectory(upper, LinkOption.NOFOLLOW_LINKS)) {
            return new Result(List.of(), Set.of());
        }
        List<RootDir> layers = new ArrayList<>();
        try (RootDir up = RootDir.open(upper)) {
            for (int i = layersBottomFirst.size() - 1; i >= 0; i--) {
                layers.add(RootDir.open(layersBottomFirst.get(i)));
            }
            ContainerChanges walk = new ContainerChanges();
            List<Change> out = new ArrayList<>();
            try (LowerDir image = LowerDir.root(layers)) {
                walk.directory(up.fd(), "", image, out);
            }
            out.sort(Comparator.comparing(Change::path));
            return new Result(out, Set.copyOf(walk.hidden));
        } finally {
            layers.forEach(RootDir::close);
        }
    }

    /** The entries of the upper directory {@code dirFd} at {@code path}; {@code image}: it in the image, or null. */
    private void directory(int dirFd, String path, LowerDir image, List<Change> out) throws IOException {
        List<String> names = new ArrayList<>(RootDir.list(dirFd));
        names.sort(null);
        for (String name : names) {
            String p = path + "/" + name;
            Stat st = RootDir.lstat(dirFd, name);
            if (st == null) {
                continue;
            }
            LowerDir.Entry old = image == null ? null : image.lookup(name);
            if (st.isWhiteout()) {
                if (old != null) {
                    out.add(new Change(p, Change.DELETED));
                }
            } else if (st.isDirectory()) {
                subdirectory(dirFd, name, p, st, old, image, out);
            } else if (InitArtifacts.isMountPoint(p, st, false)) {
                hidden.add(p);
            } else if (old == null) {
                out.add(new Change(p, Change.ADDED));
            } else if (differs(old, st) || !Arrays.equals(capability(old), capability(dirFd, name, st))) {
                out.add(new Change(p, Change.MODIFIED));
            }
        }
    }

    private void subdirectory(int parentFd, String name, String p, Stat st, LowerDir.Entry old, LowerDir image,
            List<Change> out) throws IOException {
        int fd = Linux.openat(parentFd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        try {
            List<String> children = RootDir.list(fd);
            if (InitArtifacts.isMountPoint(p, st, children.isEmpty())) {
                hidden.add(p);
                return;
            }
            List<Change> inside = new ArrayList<>();
            try (LowerDir oldDir = old != null && old.isDirectory() ? image.child(name) : null) {
                directory(fd, p, oldDir, inside);
                if (oldDir != null && LowerDir.isOpaque(parentFd, name)) {
                    Set<String> kept = new HashSet<>(children);
                    for (String gone : oldDir.names()) {
                        if (!kept.contains(gone)) {
                            inside.add(new Change(p + "/" + gone, Change.DELETED));
                        }
                    }
                }
            }
            boolean ownChange = old == null || differs(old, st);
            if (InitArtifacts.isParent(p) && inside.isEmpty() && (old == null || !ownChange)) {
                hidden.add(p); // created or copied up only to hold mount points
                return;
            }
            if (ownChange || !inside.isEmpty()) {
                out.add(new Change(p, old == null ? Change.ADDED : Change.MODIFIED));
            }
            out.addAll(inside);
        } finally {
            Linux.close(fd);
        }
    }

    /** moby's statDifferent: a directory's size and mtime say nothing (they change with its entries). */
    static boolean differs(LowerDir.Entry old, Stat now) {
        Stat was = old.stat();
        if (was.mode() != now.mode() || was.uid() != now.uid() || was.gid() != now.gid()
                || was.rdevMajor() != now.rdevMajor() || was.rdevMinor() != now.rdevMinor()) {
            return true;
        }
        return !now.isDirectory() && (was.size() != now.size() || !sameTime(was, now));
    }

    /** Equal times, or the same second where one side lost its fraction (a tar round trip does that). */
    static boolean sameTime(Stat a, Stat b) {
        return a.mtimeSec() == b.mtimeSec()
                && (a.mtimeNsec() == b.mtimeNsec() || a.mtimeNsec() == 0 || b.mtimeNsec() == 0);
    }

    private static byte[] capability(LowerDir.Entry old) throws IOException {
        return old.stat().isRegular() ? FileContent.capability(old.dirFd(), old.name()) : null;
    }

    private static byte[] capability(int dirFd, String name, Stat st) throws IOException {
        return st.isRegular() ? FileContent.capability(dirFd, name) : null;
    }
}
