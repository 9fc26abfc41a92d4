package dev.berth.engine.container.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each limit Docker refuses, with the text dockerd answers (checked against dockerd 20.10 on this host). */
class LimitChecksTest {
    static final HostLimits HOST = new HostLimits(2, "0-1", "0", true);

    @Test
    void memoryLimits() {
        assertEquals("Minimum memory limit allowed is 6MB", error("{\"Memory\":1048576}", 0, false));
        assertEquals("Minimum memoryswap limit should be larger than memory limit, see usage",
                error("{\"Memory\":33554432}", 16L << 20, false));
        assertEquals("You should always set the Memory limit when using Memoryswap limit, see usage",
                error("{}", 100L << 20, false));
        LimitChecks.verify(h("{}"), 100L << 20, HOST, true); // docker update may set the swap alone
        assertEquals("Invalid value: 200, valid memory swappiness range is 0-100",
                error("{\"MemorySwappiness\":200}", 0, false));
        LimitChecks.verify(h("{\"MemorySwappiness\":-1}"), 0, HOST, false); // -1 is "unset"
        assertEquals("Minimum memory reservation allowed is 6MB", error("{\"MemoryReservation\":1000}", 0, false));
        assertEquals("Minimum memory limit can not be less than memory reservation limit, see usage",
                error("{\"Memory\":16777216,\"MemoryReservation\":33554432}", 32L << 20, false));
    }

    @Test
    void cpuLimits() {
        assertEquals("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
                error("{\"NanoCpus\":99000000000}", 0, false));
        assertEquals("Conflicting options: Nano CPUs and CPU Period cannot both be set",
                error("{\"NanoCpus\":500000000,\"CpuPeriod\":100000}", 0, false));
        assertEquals("Conflicting options: Nano CPUs and CPU Quota cannot both be set",
                error("{\"NanoCpus\":500000000,\"CpuQuota\":20000}", 0, false));
        assertEquals("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
                error("{\"CpuPeriod\":500}", 0, false));
        assertEquals("CPU cfs quota can not be less than 1ms (i.e. 1000)", error("{\"CpuQuota\":500}", 0, false));
    }

    @Test
    void cpusetsMustExistHere() {
        assertEquals("Requested CPUs are not available - requested 7, available: 0-1",
                error("{\"CpusetCpus\":\"7\"}", 0, false));
        assertEquals("Invalid value abc for cpuset cpus: invalid format: abc", error("{\"CpusetCpus\":\"abc\"}", 0, false));
        assertEquals("Requested memory nodes are not available - requested 1, available: 0",
                error("{\"CpusetMems\":\"1\"}", 0, false));
        LimitChecks.verify(h("{\"CpusetCpus\":\"0\",\"CpusetMems\":\"0\"}"), 0, HOST, false);
    }

    @Test
    void blkioWeightAndOomScore() {
        assertEquals("Range of blkio weight is from 10 to 1000", error("{\"BlkioWeight\":5}", 0, false));
        assertEquals("Invalid value 5000, range for oom score adj is [-1000, 1000]", error("{\"OomScoreAdj\":5000}", 0, false));
    }

    private static String error(String json, long swap, boolean update) {
        return assertThrows(InvalidArgumentException.class,
                () -> LimitChecks.verify(h(json), swap, HOST, update)).getMessage();
    }

    /** A HostConfig from its API JSON, the shortest way to set a few of its 54 fields. */
    static HostConfig h(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), HostConfig.class);
    }
}
