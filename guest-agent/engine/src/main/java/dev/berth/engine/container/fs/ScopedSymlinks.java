package dev.berth.engine.container.fs;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path's symlinks the way a process chrooted into the container would, as a path string (moby's
 * FollowSymlinkInScope): {@code /bin/sh -> busybox} gives {@code /bin/busybox}. Missing components are kept
 * lexically ("as much as possible with broken links"). Links are read with readlinkat on descriptors opened
 * in-root, so a link to {@code /} or {@code ../../..} means the container's root.
 *
 * <p>The result is a name to report or to resolve again in-root, never a host path to open: if the container
 * changes its links between this call and the next lookup, the next lookup still stays inside the container.
 */
final class ScopedSymlinks {
    /** Linux's own limit is 40 per lookup; dockerd allows 255 over the whole path. */
    private static final int MAX_LINKS = 255;

    private ScopedSymlinks() {}

    static String follow(RootDir root, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            String target = readLinkOrNull(root, done, c);
            if (target == null) {
                done.add(c);
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new InvalidArgumentException("too many symbolic links in " + path);
            }
            if (target.startsWith("/")) {
                done.clear();
            }
            List<String> parts = components(target);
            for (int i = parts.size() - 1; i >= 0; i--) {
                todo.addFirst(parts.get(i));
            }
        }
        return "/" + String.join("/", done);
    }

    /** The target if {@code dir/leaf} is a symlink; null if it is anything else or missing. */
    private static String readLinkOrNull(RootDir root, List<String> dir, String leaf) throws IOException {
        int dirFd;
        try {
            dirFd = root.openDir(String.join("/", dir));
        } catch (ErrnoException missingOrNotDir) {
            return null;
        }
        try {
            Stat st = RootDir.lstat(dirFd, leaf);
            return st != null && st.isSymlink() ? Linux.readlinkat(dirFd, leaf) : null;
        } catch (ErrnoException e) {
            return null; // ENOTDIR and the like: resolve the rest lexically, as dockerd does
        } finally {
            Linux.close(dirFd);
        }
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }
}
