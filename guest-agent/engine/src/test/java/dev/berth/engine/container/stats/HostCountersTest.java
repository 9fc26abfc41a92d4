package dev.berth.engine.container.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** /proc/stat and /proc/meminfo copied from a two-CPU host. */
class HostCountersTest {
    private final HostCounters host = new HostCounters(Samples.dir("proc"));

    @Test
    void systemUsageIsTheFirstSevenCpuFieldsInNanosecondsAsDockerdCountsThem() {
        // cpu  1011924 0 263105 1082986 24310 0 8774 7186 0 0: steal (7186) and guest are not counted
        long ticks = 1011924L + 0 + 263105 + 1082986 + 24310 + 0 + 8774;
        assertEquals(new HostCounters.Cpu(ticks * 10_000_000L, 2), host.cpu());
    }

    @Test
    void machineMemoryIsMemTotalInBytes() {
        assertEquals(24684096L * 1024, host.machineMemory());
    }
}
