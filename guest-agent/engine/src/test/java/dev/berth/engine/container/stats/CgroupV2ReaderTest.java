package dev.berth.engine.container.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.stats.CgroupSample.BlkioEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written v2 files in the kernel's formats (cpu.stat, memory.stat, memory.events, io.stat). */
class CgroupV2ReaderTest {
    private final CgroupReader reader = new CgroupV2Reader(Samples.dir("v2"));

    @Test
    void cpuMicrosecondsBecomeNanosecondsWithoutPerCpuUsage() {
        CgroupSample.Cpu cpu = reader.read("/berth/ctr").orElseThrow().cpu();
        assertEquals(2_500_000_000L, cpu.total());
        assertNull(cpu.perCpu(), "v2 has no per-CPU usage; dockerd leaves percpu_usage out");
        assertEquals(500_000_000L, cpu.kernel());
        assertEquals(2_000_000_000L, cpu.user());
        assertEquals(120, cpu.periods());
        assertEquals(7, cpu.throttledPeriods());
        assertEquals(35_000_000L, cpu.throttledTime());
    }

    @Test
    void memoryHasCurrentMaxOomEventsAndTheV2StatNames() {
        CgroupSample.Memory mem = reader.read("/berth/ctr").orElseThrow().memory();
        assertEquals(10485760, mem.usage());
        assertNull(mem.maxUsage(), "v2 has no peak in dockerd's view");
        assertEquals(64L << 20, mem.limit());
        assertEquals(2, mem.failcnt(), "memory.events oom, as dockerd's failcnt on v2");
        assertEquals(3145728L, mem.stats().get("inactive_file"), "the key the CLI subtracts on v2");
        assertEquals(6291456L, mem.stats().get("anon"));
        assertEquals(31, mem.stats().size());
    }

    @Test
    void noLimitIsMaxAndIoStatBecomesReadAndWriteBytes() {
        CgroupSample idle = reader.read("/berth/idle").orElseThrow();
        assertEquals(Long.MAX_VALUE, idle.memory().limit());
        assertEquals(0, idle.pidsLimit());
        assertEquals(List.of(), idle.blkio().serviceBytes());

        CgroupSample s = reader.read("/berth/ctr").orElseThrow();
        assertEquals(3, s.pids());
        assertEquals(20, s.pidsLimit());
        assertEquals(List.of(new BlkioEntry(254, 0, "read", 4096), new BlkioEntry(254, 0, "write", 8192),
                new BlkioEntry(8, 16, "read", 512), new BlkioEntry(8, 16, "write", 0)), s.blkio().serviceBytes());
        assertNull(s.blkio().serviced(), "v2 reports only bytes");
    }

    @Test
    void aCgroupThatIsGoneReadsAsEmpty() {
        assertTrue(reader.read("berth/gone").isEmpty());
    }
}
