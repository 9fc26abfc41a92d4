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
 * cgroup v1 (and the v1 side of a hybrid layout): one hierarchy per controller, {@code <root>/<controller>/<path>}.
 * The numbers are the ones containerd's v1 metrics give dockerd, so {@code docker stats} computes the same.
 */
public final class CgroupV1Reader implements CgroupReader {
    /** USER_HZ: cpuacct.stat counts ticks of 10 ms on every Linux architecture Berth runs on. */
    private static final long NANOS_PER_TICK = 10_000_000;
    /** The memory.stat keys dockerd passes on (v1), each also as total_<key>. */
    private static final List<String> MEMORY_KEYS = List.of("cache", "rss", "rss_huge", "mapped_file", "dirty",
            "writeback", "pgpgin", "pgpgout", "pgfault", "pgmajfault", "inactive_anon", "active_anon",
            "inactive_file", "active_file", "unevictable");

    private final Path root;

    public CgroupV1Reader(Path root) {
        this.root = root;
    }

    @Override
    public Optional<CgroupSample> read(String cgroupsPath) {
        String rel = CgroupReader.relative(cgroupsPath);
        Path cpuacct = root.resolve("cpuacct").resolve(rel);
        if (!Files.isDirectory(cpuacct)) {
            return Optional.empty();
        }
        try {
            Path pids = root.resolve("pids").resolve(rel);
            long pidsMax = CgroupFiles.number(pids.resolve("pids.max"));
            return Optional.of(new CgroupSample(cpu(cpuacct, root.resolve("cpu").resolve(rel)),
                    memory(root.resolve("memory").resolve(rel)), CgroupFiles.number(pids.resolve("pids.current")),
                    pidsMax == Long.MAX_VALUE ? 0 : pidsMax, blkio(root.resolve("blkio").resolve(rel))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read cgroup " + cgroupsPath + ": " + e.getMessage(), e);
        }
    }

    private static Cpu cpu(Path cpuacct, Path cpu) throws IOException {
        Map<String, Long> ticks = CgroupFiles.keyed(cpuacct.resolve("cpuacct.stat"));
        Map<String, Long> throttling = CgroupFiles.keyed(cpu.resolve("cpu.stat"));
        return new Cpu(CgroupFiles.number(cpuacct.resolve("cpuacct.usage")),
                CgroupFiles.numbers(cpuacct.resolve("cpuacct.usage_percpu")),
                ticks.getOrDefault("system", 0L) * NANOS_PER_TICK, ticks.getOrDefault("user", 0L) * NANOS_PER_TICK,
                throttling.getOrDefault("nr_periods", 0L), throttling.getOrDefault("nr_throttled", 0L),
                throttling.getOrDefault("throttled_time", 0L));
    }

    private static Memory memory(Path dir) throws IOException {
        Map<String, Long> raw = CgroupFiles.keyed(dir.resolve("memory.stat"));
        Map<String, Long> stats = new TreeMap<>(); // Go encodes maps with sorted keys
        for (String key : MEMORY_KEYS) {
            stats.put(key, raw.getOrDefault(key, 0L));
            stats.put("total_" + key, raw.getOrDefault("total_" + key, 0L));
        }
        long limit = raw.getOrDefault("hierarchical_memory_limit",
                CgroupFiles.number(dir.resolve("memory.limit_in_bytes")));
        stats.put("hierarchical_memory_limit", limit);
        stats.put("hierarchical_memsw_limit", raw.getOrDefault("hierarchical_memsw_limit", 0L));
        return new Memory(CgroupFiles.number(dir.resolve("memory.usage_in_bytes")),
                CgroupFiles.number(dir.resolve("memory.max_usage_in_bytes")), limit,
                CgroupFiles.number(dir.resolve("memory.failcnt")), stats);
    }

    /**
     * The throttle files count I/O on every scheduler; the CFQ/BFQ ones only on theirs. dockerd reads what
     * containerd gives it, which on current kernels is the throttle files.
     */
    private static Blkio blkio(Path dir) throws IOException {
        return new Blkio(entries(dir.resolve("blkio.throttle.io_service_bytes_recursive")),
                entries(dir.resolve("blkio.throttle.io_serviced_recursive")));
    }

    /** Lines {@code 8:0 Read 4096}; the closing {@code Total n} line has no device and is skipped. */
    static List<BlkioEntry> entries(Path file) throws IOException {
        List<BlkioEntry> out = new ArrayList<>();
        for (String line : CgroupFiles.text(file).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !f[0].contains(":")) {
                continue;
            }
            String[] dev = f[0].split(":");
            out.add(new BlkioEntry(Long.parseLong(dev[0]), Long.parseLong(dev[1]), f[1], Long.parseLong(f[2])));
        }
        return out;
    }
}
