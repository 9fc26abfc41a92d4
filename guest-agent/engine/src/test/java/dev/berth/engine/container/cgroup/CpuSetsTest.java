package dev.berth.engine.container.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's list syntax and availability check, and where v1 and v2 keep the host's lists. */
class CpuSetsTest {

    @Test
    void listsParseAsDockersParseUintList() {
        assertEquals(BitSet.valueOf(new long[] {0b1_0000_1111L}), CpuSets.parse("0-3,8", 8192));
        assertEquals(new BitSet(), CpuSets.parse("", 8192));
        assertEquals("invalid format: abc", error("abc"));
        assertEquals("invalid format: 3-1", error("3-1"));
        assertEquals("invalid format: 1,", error("1,"));
        assertEquals("invalid format: -1", error("-1"));
        assertEquals("value of out range, maximum is 8192", error("0-2000000000"));
    }

    @Test
    void subsetIsDockersAvailabilityCheck() {
        assertTrue(CpuSets.subset("0", "0-1"));
        assertTrue(CpuSets.subset("0,1", "0-1"));
        assertFalse(CpuSets.subset("7", "0-1"));
        assertTrue(CpuSets.subset("9000", "0-9999"), "a host with more CPUs raises the ceiling");
        assertTrue(CpuSets.subset("5", ""), "unknown availability checks only the syntax");
        assertThrows(IllegalArgumentException.class, () -> CpuSets.subset("x", ""));
    }

    @Test
    void hostListsComeFromTheV1CpusetRootOrTheV2RootsEffectiveFiles(@TempDir Path dir) throws IOException {
        Path v1 = Files.createDirectories(dir.resolve("v1/cpuset"));
        Files.writeString(v1.resolve("cpuset.cpus"), "0-1\n");
        Files.writeString(v1.resolve("cpuset.mems"), "0\n");
        assertEquals("0-1", CpuSets.available(v1.getParent(), "cpus"));
        assertEquals("0", CpuSets.available(v1.getParent(), "mems"));
        Path v2 = Files.createDirectories(dir.resolve("v2"));
        Files.writeString(v2.resolve("cgroup.controllers"), "cpuset cpu memory\n");
        Files.writeString(v2.resolve("cpuset.cpus.effective"), "0-3\n");
        assertEquals("0-3", CpuSets.available(v2, "cpus"));
        assertEquals("", CpuSets.available(v2, "mems"), "unreadable is unknown");
    }

    private static String error(String list) {
        return assertThrows(IllegalArgumentException.class, () -> CpuSets.parse(list, 8192)).getMessage();
    }
}
