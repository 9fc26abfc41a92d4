package dev.berth.engine.container.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.oci.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The body's shape as dockerd sends it, and what the docker CLI computes from it (its formulas from
 * cli/command/container/stats_helpers.go, restated here).
 */
class StatsJsonTest {
    private static final long MACHINE = 24L << 30;
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    @Test
    void aContainerThatDoesNotRunGetsDockerdsZeroBody() {
        JsonNode j = json(StatsJson.render(StatsSample.NONE, StatsSample.NONE, "/web", "abc", MACHINE));
        // dockerd 28 for a stopped container, stream=false (keys sorted)
        String expected = "{\"blkio_stats\":{\"io_merged_recursive\":null,\"io_queue_recursive\":null,"
                + "\"io_service_bytes_recursive\":null,\"io_service_time_recursive\":null,"
                + "\"io_serviced_recursive\":null,\"io_time_recursive\":null,\"io_wait_time_recursive\":null,"
                + "\"sectors_recursive\":null},\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":0,"
                + "\"usage_in_kernelmode\":0,\"usage_in_usermode\":0},\"throttling_data\":{\"periods\":0,"
                + "\"throttled_periods\":0,\"throttled_time\":0}},\"id\":\"abc\",\"memory_stats\":{},"
                + "\"name\":\"/web\",\"num_procs\":0,\"pids_stats\":{},\"precpu_stats\":{\"cpu_usage\":{"
                + "\"total_usage\":0,\"usage_in_kernelmode\":0,\"usage_in_usermode\":0},\"throttling_data\":{"
                + "\"periods\":0,\"throttled_periods\":0,\"throttled_time\":0}},"
                + "\"preread\":\"0001-01-01T00:00:00Z\",\"read\":\"0001-01-01T00:00:00Z\",\"storage_stats\":{}}";
        assertEquals(Json.mapper().readTree(expected), j);
    }

    @Test
    void oneBusyCpuOfTwoIsAHundredPercentAsTheCliComputesIt() {
        StatsSample pre = sample(T0, 1_000_000_000L, 10_000_000_000L);
        StatsSample cur = sample(T0.plusSeconds(1), 2_000_000_000L, 12_000_000_000L);
        JsonNode j = json(StatsJson.render(cur, pre, "/busy", "id", MACHINE));
        double cpuDelta = j.at("/cpu_stats/cpu_usage/total_usage").asDouble()
                - j.at("/precpu_stats/cpu_usage/total_usage").asDouble();
        double systemDelta = j.at("/cpu_stats/system_cpu_usage").asDouble()
                - j.at("/precpu_stats/system_cpu_usage").asDouble();
        assertEquals(100.0, cpuDelta / systemDelta * j.at("/cpu_stats/online_cpus").asInt() * 100, 0.001);
        assertEquals(T0.toString(), j.at("/preread").asString());
        assertEquals(List.of(1_200_000_000L, 800_000_000L),
                List.of(j.at("/cpu_stats/cpu_usage/percpu_usage/0").asLong(),
                        j.at("/cpu_stats/cpu_usage/percpu_usage/1").asLong()));
    }

    @Test
    void memoryIsUsageMinusInactiveFileOverTheLimitCappedAtTheMachine() {
        JsonNode j = json(StatsJson.render(sample(T0, 1, 1), StatsSample.NONE, "/m", "id", MACHINE));
        long usage = j.at("/memory_stats/usage").asLong() - j.at("/memory_stats/stats/total_inactive_file").asLong();
        assertEquals(30L << 20, usage, "the CLI subtracts total_inactive_file on v1");
        assertEquals(64L << 20, j.at("/memory_stats/limit").asLong());
        assertEquals(3, j.at("/pids_stats/current").asInt());
        assertEquals(1500, j.at("/networks/eth0/rx_bytes").asLong());

        CgroupSample unlimited = new CgroupSample(cpu(0), new CgroupSample.Memory(1, null, Long.MAX_VALUE, 0,
                Map.of("inactive_file", 0L)), 1, 0, new CgroupSample.Blkio(List.of(), null));
        JsonNode v2 = json(StatsJson.render(new StatsSample(T0, unlimited, new HostCounters.Cpu(1, 2), Map.of()),
                StatsSample.NONE, "/m", "id", MACHINE));
        assertEquals(MACHINE, v2.at("/memory_stats/limit").asLong(), "no limit shows the machine's memory");
        assertFalse(v2.at("/memory_stats").has("max_usage"));
        assertFalse(v2.at("/cpu_stats/cpu_usage").has("percpu_usage"), "v2: no per-CPU usage");
        assertFalse(v2.has("networks"), "no interface but loopback: no networks key");
        assertNull(v2.at("/blkio_stats/io_serviced_recursive").asString(null));
        assertEquals(0, v2.at("/precpu_stats/cpu_usage/total_usage").asLong());
        assertFalse(v2.at("/precpu_stats").has("system_cpu_usage"), "an empty precpu has no system usage");
    }

    private static StatsSample sample(Instant at, long total, long system) {
        CgroupSample cg = new CgroupSample(cpu(total),
                new CgroupSample.Memory(40L << 20, 50L << 20, 64L << 20, 0, Map.of("total_inactive_file", 10L << 20)),
                3, 0, new CgroupSample.Blkio(List.of(new CgroupSample.BlkioEntry(8, 0, "Read", 4096)), List.of()));
        return new StatsSample(at, cg, new HostCounters.Cpu(system, 2),
                Map.of("eth0", new NetDev.Counters(1500, 10, 0, 0, 700, 5, 0, 0)));
    }

    private static CgroupSample.Cpu cpu(long total) {
        return new CgroupSample.Cpu(total, total == 0 ? null : List.of(total * 6 / 10, total * 4 / 10), 0, total, 0,
                0, 0);
    }

    private static JsonNode json(Map<String, Object> body) {
        return Json.mapper().readTree(Json.write(body));
    }
}
