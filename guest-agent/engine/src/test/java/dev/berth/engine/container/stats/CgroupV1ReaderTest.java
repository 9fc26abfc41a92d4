package dev.berth.engine.container.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.stats.CgroupSample.BlkioEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A v1 (hybrid) host's files, copied from a running Berth container's cgroups on this kind of host (the
 * blkio file hand-filled: the copied one counted nothing).
 */
class CgroupV1ReaderTest {
    private final CgroupReader reader = new CgroupV1Reader(Samples.dir("v1"));

    @Test
    void cpuComesFromCpuacctInNanosecondsWithTicksForUserAndSystem() {
        CgroupSample.Cpu cpu = reader.read("/berth/ctr").orElseThrow().cpu();
        assertEquals(2982721227L, cpu.total());
        assertEquals(List.of(1511811196L, 1470910031L), cpu.perCpu());
        assertEquals(259 * 10_000_000L, cpu.kernel(), "cpuacct.stat counts 10 ms ticks");
        assertEquals(39 * 10_000_000L, cpu.user());
        assertEquals(0, cpu.periods());
    }

    @Test
    void memoryHasUsagePeakTheHierarchicalLimitAndDockersStatKeys() {
        CgroupSample.Memory mem = reader.read("/berth/ctr").orElseThrow().memory();
        assertEquals(532480, mem.usage());
        assertEquals(2781184L, mem.maxUsage());
        assertEquals(9223372036854771712L, mem.limit(), "no limit: the kernel's page-rounded maximum");
        assertEquals(90112L, mem.stats().get("rss"));
        assertEquals(0L, mem.stats().get("total_inactive_file"), "the key the CLI subtracts on v1");
        assertEquals(32, mem.stats().size(), "dockerd's v1 keys, with total_ and the two hierarchical limits");
        assertTrue(!mem.stats().containsKey("workingset_refault_file"), "keys dockerd does not pass are left out");
    }

    @Test
    void pidsAndBlkioPerDeviceWithoutTheTotalLine() {
        CgroupSample s = reader.read("/berth/ctr").orElseThrow();
        assertEquals(2, s.pids());
        assertEquals(0, s.pidsLimit(), "pids.max 'max' is no limit");
        List<BlkioEntry> bytes = s.blkio().serviceBytes();
        assertEquals(6, bytes.size());
        assertEquals(new BlkioEntry(8, 0, "Read", 4096), bytes.get(0));
        assertEquals(new BlkioEntry(8, 0, "Write", 12288), bytes.get(1));
        assertEquals(List.of(), s.blkio().serviced(), "a file with only 'Total 0' is an empty list");
    }

    @Test
    void aCgroupThatIsGoneReadsAsEmpty() {
        assertTrue(reader.read("/berth/gone").isEmpty());
    }
}
