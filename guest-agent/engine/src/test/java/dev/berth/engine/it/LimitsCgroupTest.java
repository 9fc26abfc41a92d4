package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IT helper's path logic on fake v1 and v2 trees: the v2 branch cannot run on this CI's hybrid host. */
class LimitsCgroupTest {

    @Test
    void v1FindsEachControllersHierarchyIncludingCoMountedOnes(@TempDir Path root) throws IOException {
        String proc = "12:pids:/berth/abc\n4:cpu,cpuacct:/docker/def\n3:memory:/berth/abc\n0::/berth/abc\n";
        write(root.resolve("memory/berth/abc/memory.limit_in_bytes"), "33554432\n");
        write(root.resolve("memory/berth/abc/memory.memsw.limit_in_bytes"), "67108864\n");
        write(root.resolve("cpu,cpuacct/docker/def/cpu.cfs_quota_us"), "50000\n");
        write(root.resolve("cpu,cpuacct/docker/def/cpu.cfs_period_us"), "100000\n");
        write(root.resolve("pids/berth/abc/pids.events"), "max 3\n");
        LimitsCgroup cg = new LimitsCgroup(root, proc);
        assertEquals(32L << 20, cg.memory());
        assertEquals(64L << 20, cg.memorySwap());
        assertEquals("50000 100000", cg.cpuQuotaPeriod());
        assertEquals(3, cg.pidsRefused());
    }

    @Test
    void v2ReadsTheOneHierarchyInDockersTerms(@TempDir Path root) throws IOException {
        write(root.resolve("cgroup.controllers"), "cpuset cpu memory pids\n");
        String dir = "system.slice/docker-abc.scope";
        write(root.resolve(dir + "/memory.max"), "33554432\n");
        write(root.resolve(dir + "/memory.swap.max"), "33554432\n");
        write(root.resolve(dir + "/cpu.max"), "max 100000\n");
        write(root.resolve(dir + "/cpu.weight"), "20\n");
        LimitsCgroup cg = new LimitsCgroup(root, "0::/" + dir + "\n");
        assertEquals(32L << 20, cg.memory());
        assertEquals(64L << 20, cg.memorySwap(), "memory.swap.max is swap alone; Docker counts memory+swap");
        assertEquals("-1 100000", cg.cpuQuotaPeriod());
        assertEquals(LimitsCgroup.weightOfShares(512), cg.cpuWeight());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
