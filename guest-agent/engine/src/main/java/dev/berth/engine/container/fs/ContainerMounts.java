package dev.berth.engine.container.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The mounts of a running container, as its init process sees them ({@code /proc/<pid>/mountinfo}, whose
 * paths are relative to that process's root, i.e. container paths).
 *
 * @param kernelDevs  devices (see {@link #devKey}) of the kernel filesystems mounted in the container (/proc,
 *                    /sys, cgroups, devpts, mqueue...) and of its /dev: a tree walk never enters them, as
 *                    dockerd's view of a container does not contain them either
 * @param mountPoints every mount point but the root: /etc/hosts, volumes, binds, tmpfs. The engine sees
 *                    them through {@code /proc/<pid>/root} but is not in the container's mount namespace, so
 *                    the kernel would let it unlink them (detaching the container's mount) where dockerd gets
 *                    EBUSY; {@link UploadSpool} refuses that instead.
 */
record ContainerMounts(Set<Long> kernelDevs, Set<String> mountPoints) {
    static final ContainerMounts NONE = new ContainerMounts(Set.of(), Set.of());

    /** Kernel filesystems: their contents are not the container's files, and reading some never ends. */
    private static final Set<String> KERNEL_FS = Set.of("proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue",
            "devtmpfs", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "configfs", "fusectl", "binfmt_misc",
            "efivarfs", "selinuxfs", "nsfs", "autofs", "hugetlbfs");

    static long devKey(long major, long minor) {
        return (major << 32) | (minor & 0xffffffffL);
    }

    static ContainerMounts of(long pid) throws IOException {
        Set<Long> devs = new HashSet<>();
        Set<String> points = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "mountinfo"))) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length < 5 || dash < 0) {
                continue;
            }
            String point = unescape(f[4]);
            if (!point.equals("/")) {
                points.add(point);
            }
            String fsType = line.substring(dash + 3).split(" ")[0];
            if (KERNEL_FS.contains(fsType) || point.equals("/dev")) {
                String[] mm = f[2].split(":");
                devs.add(devKey(Long.parseLong(mm[0]), Long.parseLong(mm[1])));
            }
        }
        return new ContainerMounts(Set.copyOf(devs), Set.copyOf(points));
    }

    /** True if {@code path} is a mount point or has one below it. */
    boolean holdsMount(String path) {
        String below = path.endsWith("/") ? path : path + "/";
        for (String m : mountPoints) {
            if (m.equals(path) || m.startsWith(below)) {
                return true;
            }
        }
        return false;
    }

    /** mountinfo escapes space, tab, newline and backslash as three-digit octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
