package dev.berth.engine.container.fs;

import dev.berth.engine.os.Linux;
import dev.berth.engine.os.OpenFlags;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes a directory tree of a container as tar members, the way dockerd's tarballer does: names sorted
 * within each directory, directories with a trailing slash, a file with more than one link archived once and
 * hard-linked after, sockets left out, only {@code security.capability} among extended attributes (through
 * {@link TarWriter}, which keeps its binary value intact). The walk descends through directory descriptors
 * opened without following links, so it stays inside the tree whatever the tree contains.
 */
final class TreeTar {
    /** Content of a member without content (directories, links, devices). */
    static final InputStream NONE = null;

    private final TarWriter out;
    private final Predicate<Stat> skipContents;
    private final Map<String, String> firstNameOfInode = new HashMap<>();

    /** {@code skipContents}: directories whose entries are not archived (kernel filesystems of a live view). */
    TreeTar(TarWriter out, Predicate<Stat> skipContents) {
        this.out = out;
        this.skipContents = skipContents;
    }

    /**
     * One member for {@code pinned} (an O_PATH descriptor of {@code leaf} in {@code dirFd}) named
     * {@code name}; a directory's entries follow, named {@code name/child}. A name of "/" (archiving the
     * container's root) gives members {@code /} and {@code /child}, as dockerd's do.
     */
    void add(int dirFd, String leaf, int pinned, Stat st, String name) throws IOException {
        if (st.isDirectory()) {
            out.write(header(name.endsWith("/") ? name : name + "/", st, TarEntry.Type.DIRECTORY, "", null), NONE);
            if (!skipContents.test(st)) {
                addChildren(pinned, name);
            }
            return;
        }
        switch (st.type()) {
            case OpenFlags.S_IFREG -> regular(dirFd, leaf, pinned, st, name);
            case OpenFlags.S_IFLNK ->
                    out.write(header(name, st, TarEntry.Type.SYMLINK, Linux.readlinkat(pinned, ""), null), NONE);
            case OpenFlags.S_IFCHR -> out.write(header(name, st, TarEntry.Type.CHAR, "", null), NONE);
            case OpenFlags.S_IFBLK -> out.write(header(name, st, TarEntry.Type.BLOCK, "", null), NONE);
            case OpenFlags.S_IFIFO -> out.write(header(name, st, TarEntry.Type.FIFO, "", null), NONE);
            default -> { } // sockets: tar has no member type for them; dockerd skips them too
        }
    }

    /** The entries of the directory {@code dirFd}, each named {@code prefix/child} (just {@code child} for ""). */
    void addChildren(int dirFd, String prefix) throws IOException {
        List<String> names = new ArrayList<>(RootDir.list(dirFd));
        names.sort(null);
        for (String child : names) {
            Integer fd = FileContent.pin(dirFd, child);
            if (fd == null) {
                continue; // removed while we walked: a live filesystem, as dockerd tolerates
            }
            try {
                add(dirFd, child, fd, FileContent.stat(fd), join(prefix, child));
            } finally {
                Linux.close(fd);
            }
        }
    }

    private void regular(int dirFd, String leaf, int pinned, Stat st, String name) throws IOException {
        byte[] cap = FileContent.capability(dirFd, leaf);
        if (st.nlink() > 1) {
            String key = st.devMajor() + ":" + st.devMinor() + ":" + st.ino();
            String first = firstNameOfInode.putIfAbsent(key, name);
            if (first != null) {
                out.write(header(name, st, TarEntry.Type.HARDLINK, first, cap), NONE);
                return;
            }
        }
        TarEntry e = header(name, st, TarEntry.Type.FILE, "", cap);
        try (InputStream content = FileContent.read(pinned, st.size())) {
            out.write(e, content);
        }
    }

    static String join(String prefix, String child) {
        if (prefix.isEmpty()) {
            return child;
        }
        return prefix.endsWith("/") ? prefix + child : prefix + "/" + child;
    }

    static TarEntry header(String name, Stat st, TarEntry.Type type, String link, byte[] capability) {
        long size = type == TarEntry.Type.FILE ? st.size() : 0;
        Map<String, byte[]> xattrs = capability == null ? null : Map.of("security.capability", capability);
        return new TarEntry(name, type, st.mode() & 07777, st.uid(), st.gid(), size, st.mtimeSec(), link, "", "",
                st.rdevMajor(), st.rdevMinor(), xattrs);
    }
}
