package dev.berth.engine.container.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swap accounting read from fake cgroup and proc trees: v1 and v2 layouts, with and without it. */
class SwapAccountingTest {
    @TempDir
    Path dir;

    @Test
    void v1HasItWhenTheMemoryRootHasMemswFiles() throws IOException {
        Path cg = dir.resolve("cgroup");
        touch(cg.resolve("memory/memory.limit_in_bytes"));
        assertFalse(SwapAccounting.available(cg, proc("1:memory:/x\n", true, "")));
        touch(cg.resolve("memory/memory.memsw.limit_in_bytes"));
        assertTrue(SwapAccounting.available(cg, proc("1:memory:/x\n", true, "")));
    }

    @Test
    void v1WithoutAMemoryHierarchyHasNone() throws IOException {
        Path cg = Files.createDirectories(dir.resolve("cgroup/cpu"));
        assertFalse(SwapAccounting.available(cg.getParent(), proc("", true, "")));
    }

    @Test
    void v2AsksTheEnginesOwnCgroupFirst() throws IOException {
        Path cg = v2Root();
        touch(cg.resolve("system.slice/berth.service/memory.max"));
        touch(cg.resolve("system.slice/berth.service/memory.swap.max"));
        touch(cg.resolve("other/memory.max")); // a sibling without swap files is not asked first
        assertTrue(SwapAccounting.available(cg, proc("0::/system.slice/berth.service\n", false, "")));
    }

    @Test
    void v2WithoutSwapFilesHasNone() throws IOException {
        Path cg = v2Root();
        touch(cg.resolve("berth/memory.max"));
        assertFalse(SwapAccounting.available(cg, proc("0::/\n", true, "")));
    }

    @Test
    void v2SkipsCgroupsWithoutTheMemoryController() throws IOException {
        Path cg = v2Root();
        Files.createDirectories(cg.resolve("init.scope")); // no memory.* at all
        touch(cg.resolve("berth/memory.max"));
        touch(cg.resolve("berth/memory.swap.max"));
        assertTrue(SwapAccounting.available(cg, proc("0::/init.scope\n", false, "")));
    }

    @Test
    void v2WithNothingToAskFallsBackToTheKernel() throws IOException {
        Path cg = v2Root();
        assertTrue(SwapAccounting.available(cg, proc("0::/\n", true, "console=ttyS0 quiet")));
        assertFalse(SwapAccounting.available(cg, proc("0::/\n", true, "quiet swapaccount=0")));
        assertFalse(SwapAccounting.available(cg, proc("0::/\n", true, "cgroup.memory=nokmem,noswap")));
        assertFalse(SwapAccounting.available(cg, proc("0::/\n", false, "quiet")), "a kernel without swap");
    }

    @Test
    void ownCgroupIsTheUnifiedLine() {
        assertEquals("/a/b", SwapAccounting.ownCgroup("12:pids:/x\n0::/a/b\n"));
        assertNull(SwapAccounting.ownCgroup("4:memory:/x\n"));
    }

    private Path v2Root() throws IOException {
        Path cg = dir.resolve("cgroup2");
        Files.createDirectories(cg);
        Files.writeString(cg.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        return cg;
    }

    private Path proc(String selfCgroup, boolean swaps, String cmdline) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc-" + System.nanoTime()));
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/cgroup"), selfCgroup);
        Files.writeString(proc.resolve("cmdline"), cmdline + "\n");
        if (swaps) {
            Files.writeString(proc.resolve("swaps"), "Filename\tType\tSize\tUsed\tPriority\n");
        }
        return proc;
    }

    private static void touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "max\n");
    }
}
