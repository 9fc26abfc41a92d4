package dev.berth.engine.container.stats;

import dev.berth.engine.container.stats.CgroupSample.Blkio;
import dev.berth.engine.container.stats.CgroupSample.BlkioEntry;
import dev.berth.engine.container.stats.CgroupSample.Cpu;
import dev.berth.engine.container.stats.CgroupSample.Memory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * cgroup v2 (the guest VM): one directory per cgroup, {@code <root>/<path>}. Mapped as dockerd maps
 * containerd's v2 metrics: microseconds become nanoseconds, no per-CPU usage, no peak memory, and the v2
 * memory.stat names (anon, file, inactive_file, …) in {@code memory_stats.stats}.
 */
public final class CgroupV2Reader implements CgroupReader {
    private static final long NANOS_PER_MICRO = 1_000;
    /** The memory.stat keys dockerd passes on (v2). */
    private static final List<String> MEMORY_KEYS = List.of("anon", "file", "kernel_stack", "slab", "sock",
            "shmem", "file_mapped", "file_dirty", "file_writeback", "anon_thp", "inactive_anon", "active_anon",
            "inactive_file", "active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable", "pgfault",
            "pgmajfault", "workingset_refault", "workingset_activate", "workingset_nodereclaim", "pgrefill",
            "pgscan", "pgsteal", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed", "thp_fault_alloc",
            "thp_collapse_alloc");

    private final Path root;

    public CgroupV2Reader(Path root) {
        this.root = root;
    }

    @Override
    public Optional<CgroupSample> read(String cgroupsPath) {
        Path dir = root.resolve(CgroupReader.relative(cgroupsPath));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try {
            long pidsMax = CgroupFiles.number(dir.resolve("pids.max"));
            return Optional.of(new CgroupSample(cpu(dir), memory(dir), CgroupFiles.number(dir.resolve("pids.current")),
                    pidsMax == Long.MAX_VALUE ? 0 : pidsMax, new Blkio(ioBytes(dir.resolve("io.stat")), null)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cgroup " + cgroupsPath + ": " + e.getMessage(), e);
        }
    }

    private static Cpu cpu(Path dir) throws IOException {
        Map<String, Long> s = CgroupFiles.keyed(dir.resolve("cpu.stat"));
        return new Cpu(s.getOrDefault("usage_usec", 0L) * NANOS_PER_MICRO, null,
                s.getOrDefault("system_usec", 0L) * NANOS_PER_MICRO, s.getOrDefault("user_usec", 0L) * NANOS_PER_MICRO,
                s.getOrDefault("nr_periods", 0L), s.getOrDefault("nr_throttled", 0L),
                s.getOrDefault("throttled_usec", 0L) * NANOS_PER_MICRO);
    }

    private static Memory memory(Path dir) throws IOException {
        Map<String, Long> raw = CgroupFiles.keyed(dir.resolve("memory.stat"));
        Map<String, Long> stats = new TreeMap<>(); // Go encodes maps with sorted keys
        for (String key : MEMORY_KEYS) {
            stats.put(key, raw.getOrDefault(key, 0L));
        }
        long oom = CgroupFiles.keyed(dir.resolve("memory.events")).getOrDefault("oom", 0L);
        return new Memory(CgroupFiles.number(dir.resolve("memory.current")), null,
                CgroupFiles.number(dir.resolve("memory.max")), oom, stats);
    }

    /** io.stat lines {@code 8:0 rbytes=1 wbytes=2 rios=3 wios=4 …} as dockerd's read/write byte entries. */
    static List<BlkioEntry> ioBytes(Path file) throws IOException {
        List<BlkioEntry> out = new ArrayList<>();
        for (String line : CgroupFiles.text(file).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].contains(":")) {
                continue;
            }
            String[] dev = f[0].split(":");
            long major = Long.parseLong(dev[0]);
            long minor = Long.parseLong(dev[1]);
            Map<String, Long> kv = new TreeMap<>();
            for (int i = 1; i < f.length; i++) {
                String[] pair = f[i].split("=", 2);
                if (pair.length == 2) {
                    kv.put(pair[0], Long.parseLong(pair[1]));
                }
            }
            out.add(new BlkioEntry(major, minor, "read", kv.getOrDefault("rbytes", 0L)));
            out.add(new BlkioEntry(major, minor, "write", kv.getOrDefault("wbytes", 0L)));
        }
        return out;
    }
}
