package dev.berth.engine.container.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the kernel accounts swap per cgroup, so that a memory+swap limit can be set (Docker's sysinfo
 * SwapLimit). Without it Docker keeps the memory limit, drops the swap part and warns "Memory limited without
 * swap."; Berth does the same, and never hands runc a swap limit it would fail to write at start.
 *
 * <p>The kernel creates the swap files only when it accounts swap: {@code memory.memsw.*} in every v1 memory
 * cgroup including the hierarchy's root, {@code memory.swap.max} in every v2 cgroup but the root.
 */
public final class SwapAccounting {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final Path PROC = Path.of("/proc");

    private SwapAccounting() {}

    /** For this host. Cheap (a few stats), so read on every use: kernels are not swapped under a running engine. */
    public static boolean available() {
        return available(CGROUP_ROOT, PROC);
    }

    /** As {@link #available()} for a cgroup mount at {@code cgroupRoot} and a procfs at {@code proc} (tests). */
    static boolean available(Path cgroupRoot, Path proc) {
        if (!Files.exists(cgroupRoot.resolve("cgroup.controllers"))) {
            return Files.exists(cgroupRoot.resolve("memory/memory.memsw.limit_in_bytes"));
        }
        for (Path dir : v2Candidates(cgroupRoot, proc)) {
            // a cgroup without the memory controller has neither file and tells nothing
            if (Files.exists(dir.resolve("memory.max"))) {
                return Files.exists(dir.resolve("memory.swap.max"));
            }
        }
        return kernelAccountsSwap(proc);
    }

    /**
     * Non-root v2 cgroups worth a look: the engine's own (from /proc/self/cgroup), then the top-level ones
     * (Berth's own "berth" among them once a container ran). The root has no memory.* limit files at all.
     */
    static List<Path> v2Candidates(Path cgroupRoot, Path proc) {
        List<Path> dirs = new ArrayList<>();
        String own = ownCgroup(read(proc.resolve("self/cgroup")));
        if (own != null && !own.equals("/")) {
            dirs.add(cgroupRoot.resolve(own.substring(1)));
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(cgroupRoot, Files::isDirectory)) {
            children.forEach(dirs::add);
        } catch (IOException e) {
            // unreadable: only the kernel's word is left
        }
        return dirs;
    }

    /** The v2 path in a /proc/PID/cgroup text ({@code 0::/path}), or null on a v1-only listing. */
    static String ownCgroup(String procCgroup) {
        for (String line : procCgroup.split("\n")) {
            if (line.startsWith("0::/")) {
                return line.substring(3).trim();
            }
        }
        return null;
    }

    /**
     * No cgroup with the memory controller exists yet (a fresh guest VM): the kernel has swap accounting when
     * it was built with swap (then /proc/swaps exists) and the boot line does not switch it off.
     */
    static boolean kernelAccountsSwap(Path proc) {
        if (!Files.exists(proc.resolve("swaps"))) {
            return false;
        }
        for (String arg : read(proc.resolve("cmdline")).trim().split("\\s+")) {
            if (arg.equals("swapaccount=0") || (arg.startsWith("cgroup.memory=") && arg.contains("noswap"))) {
                return false;
            }
        }
        return true;
    }

    /** A small procfs file; procfs reports size 0, so it is read as a stream. */
    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(64 << 10), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
