package dev.berth.engine.container.fs;

import static dev.berth.engine.os.OpenFlags.O_CLOEXEC;
import static dev.berth.engine.os.OpenFlags.O_DIRECTORY;
import static dev.berth.engine.os.OpenFlags.O_NOFOLLOW;
import static dev.berth.engine.os.OpenFlags.O_PATH;

import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One directory of the image as the container started from it: the merge of the image's layer directories,
 * computed the way overlayfs merges them. Looking {@code name} up goes through the layers from the top:
 * a whiteout (character device 0/0) hides it and everything below; a layer where the directory is opaque
 * ({@code trusted.overlay.opaque=y}) or is not a directory ends the merge. Lookups go through descriptors of
 * the layer directories opened without following links: a symlink in a layer is an entry, never a path.
 */
final class LowerDir implements AutoCloseable {
    /** The directory in one layer; {@code closeFd} if we opened it (layer roots belong to the caller). */
    private record Part(int fd, boolean closeFd) {}

    /** An entry found in the merged image: its stat, and the layer directory it was found in. */
    record Entry(Stat stat, int dirFd, String name) {
        boolean isDirectory() {
            return stat.isDirectory();
        }
    }

    private final List<Part> parts;

    private LowerDir(List<Part> parts) {
        this.parts = parts;
    }

    /** The image's root directory; {@code layersTopFirst} stay owned by the caller. */
    static LowerDir root(List<RootDir> layersTopFirst) throws IOException {
        List<Part> parts = new ArrayList<>();
        for (RootDir layer : layersTopFirst) {
            parts.add(new Part(layer.fd(), false));
        }
        return new LowerDir(parts);
    }

    /** The entry {@code name} of this directory in the merged image, or null if the image has none. */
    Entry lookup(String name) throws IOException {
        for (Part p : parts) {
            Stat st = RootDir.lstat(p.fd(), name);
            if (st == null) {
                continue;
            }
            return st.isWhiteout() ? null : new Entry(st, p.fd(), name);
        }
        return null;
    }

    /** The subdirectory {@code name} as merged from the layers, or null if the image has no such directory. */
    LowerDir child(String name) throws IOException {
        List<Part> childParts = new ArrayList<>();
        try {
            for (Part p : parts) {
                Stat st = RootDir.lstat(p.fd(), name);
                if (st == null) {
                    continue;
                }
                if (st.isWhiteout() || !st.isDirectory()) {
                    break; // hides the name in every lower layer
                }
                int fd = Linux.openat(p.fd(), name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
                childParts.add(new Part(fd, true));
                if (isOpaque(p.fd(), name)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            new LowerDir(childParts).close();
            throw e;
        }
        return childParts.isEmpty() ? null : new LowerDir(childParts);
    }

    /** The names in this merged directory (whiteouts applied). */
    Set<String> names() throws IOException {
        Set<String> names = new HashSet<>();
        Set<String> hidden = new HashSet<>();
        for (Part p : parts) {
            for (String n : RootDir.list(p.fd())) {
                if (names.contains(n) || hidden.contains(n)) {
                    continue;
                }
                Stat st = RootDir.lstat(p.fd(), n);
                if (st == null) {
                    continue;
                }
                if (st.isWhiteout()) {
                    hidden.add(n);
                } else {
                    names.add(n);
                }
            }
        }
        return names;
    }

    /** True if the directory {@code name} in {@code dirFd} carries overlayfs' opaque mark. */
    static boolean isOpaque(int dirFd, String name) throws IOException {
        try {
            byte[] v = Linux.lgetxattr(RootDir.procPath(dirFd, name), "trusted.overlay.opaque");
            return v != null && v.length == 1 && v[0] == 'y';
        } catch (ErrnoException e) {
            return false; // a filesystem without trusted attributes has no opaque directories
        }
    }

    @Override
    public void close() {
        for (Part p : parts) {
            if (p.closeFd()) {
                Linux.close(p.fd());
            }
        }
    }
}
