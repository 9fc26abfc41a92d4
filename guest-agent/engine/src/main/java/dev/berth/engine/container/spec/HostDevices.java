package dev.berth.engine.container.spec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's device nodes as {@code linux.devices} entries: what a privileged container finds in its /dev
 * (moby WithDevices takes runc's HostDevices). Without them {@code --privileged} would allow every device in
 * the cgroup but show none, and tools that look for /dev/loop0, /dev/fuse or a disk would not find them.
 */
final class HostDevices {
    /** Directories runc's GetDevices skips: per-container filesystems and LXC/udev internals. */
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts",
            ".udev");
    /** A bound on what is walked, so a strange /dev cannot make a spec of unbounded size. */
    static final int MAX_DEVICES = 4096;
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    private HostDevices() {}

    /** Every character and block device under {@code dev}, by path (links and the console are left out). */
    static List<Map<String, Object>> list(Path dev) {
        List<Map<String, Object>> out = new ArrayList<>();
        walk(dev, dev, out, 0);
        out.sort((a, b) -> ((String) a.get("path")).compareTo((String) b.get("path")));
        return out;
    }

    private static void walk(Path root, Path dir, List<Map<String, Object>> out, int depth) {
        if (depth > 8) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!SKIPPED_DIRS.contains(name)) {
                        walk(root, p, out, depth + 1);
                    }
                } else if (!name.equals("console") && out.size() < MAX_DEVICES) {
                    device(root, p).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            // a directory that vanished or cannot be read has no devices to offer
        }
    }

    /** The entry for a device node; empty for anything else (files, links, fifos, sockets). */
    static Optional<Map<String, Object>> device(Path root, Path p) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        int mode = (Integer) a.get("mode");
        String type = (mode & S_IFMT) == S_IFCHR ? "c" : (mode & S_IFMT) == S_IFBLK ? "b" : null;
        if (type == null) {
            return Optional.empty();
        }
        long rdev = (Long) a.get("rdev");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", "/dev/" + root.relativize(p));
        d.put("type", type);
        d.put("major", major(rdev));
        d.put("minor", minor(rdev));
        d.put("fileMode", mode & 07777);
        d.put("uid", a.get("uid"));
        d.put("gid", a.get("gid"));
        return Optional.of(d);
    }

    /** glibc's gnu_dev_major of a 64-bit dev_t. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    /** glibc's gnu_dev_minor of a 64-bit dev_t. */
    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL & 0xffffffffL);
    }
}
