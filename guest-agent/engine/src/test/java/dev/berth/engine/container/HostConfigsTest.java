package dev.berth.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.container.cgroup.HostLimits;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The memory+swap limit as Docker stores it, with and without swap accounting, docker update's refusals,
 * and the create-time checks of ulimits and tmpfs mounts.
 */
class HostConfigsTest {
    static final HostLimits SWAP = new HostLimits(2, "0-1", "0", true);
    static final HostLimits NO_SWAP = new HostLimits(2, "0-1", "0", false);
    static final long MB = 1 << 20;

    @Test
    void anUnsetSwapLimitIsTwiceTheMemoryAsInDocker() {
        assertEquals(64 * MB, created("{\"Memory\":33554432}", SWAP).memorySwap());
        assertEquals(48 * MB, created("{\"Memory\":33554432,\"MemorySwap\":50331648}", SWAP).memorySwap());
        assertEquals(-1L, created("{\"Memory\":33554432,\"MemorySwap\":-1}", SWAP).memorySwap());
        assertEquals(null, created("{}", SWAP).memorySwap(), "no memory limit, nothing to default");
        assertEquals(List.of(), HostConfigs.warnings(h("{\"Memory\":33554432}"), SWAP));
    }

    @Test
    void withoutSwapAccountingTheMemoryIsLimitedWithoutSwapAndDockersWarningIsGiven() {
        assertEquals(-1L, created("{\"Memory\":33554432}", NO_SWAP).memorySwap());
        // Docker rewrites the swap before checking it, so a swap below the memory is no error here
        assertEquals(-1L, created("{\"Memory\":33554432,\"MemorySwap\":16777216}", NO_SWAP).memorySwap());
        assertEquals(List.of("Your kernel does not support swap limit capabilities or the cgroup is not mounted. "
                + "Memory limited without swap."), HostConfigs.warnings(h("{\"Memory\":33554432}"), NO_SWAP));
        assertEquals(List.of(), HostConfigs.warnings(h("{\"Memory\":33554432,\"MemorySwap\":-1}"), NO_SWAP));
        assertEquals(List.of(), HostConfigs.warnings(h("{}"), NO_SWAP));
    }

    @Test
    void createRefusesBadLimitsUlimitsAndTmpfs() {
        assertEquals("Minimum memory limit allowed is 6MB", invalid("{\"Memory\":1048576}"));
        assertEquals("You should always set the Memory limit when using Memoryswap limit, see usage",
                invalid("{\"MemorySwap\":104857600}"));
        assertEquals("invalid ulimit type: foo", invalid("{\"Ulimits\":[{\"Name\":\"foo\",\"Soft\":1,\"Hard\":1}]}"));
        assertEquals("ulimit soft limit must be less than or equal to hard limit: 10 > 5",
                invalid("{\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":5}]}"));
        assertEquals("invalid specification: destination can't be '/'", invalid("{\"Tmpfs\":{\"/\":\"\"}}"));
        assertEquals("Invalid tmpfs option [\"foo\"]", invalid("{\"Tmpfs\":{\"/tmp\":\"foo\"}}"));
        created("{\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1234,\"Hard\":-1}]}", SWAP); // -1: unlimited
    }

    @Test
    void updateKeepsTheStoredSwapAndRefusesMemoryAboveItAsDocker() {
        HostConfig stored = created("{\"Memory\":33554432,\"NanoCpus\":500000000,\"PidsLimit\":20}", SWAP);
        HostConfig grown = HostConfigs.update(stored, h("{\"Memory\":50331648,\"PidsLimit\":30}"), SWAP);
        assertEquals(48 * MB, grown.memory());
        assertEquals(64 * MB, grown.memorySwap(), "Docker keeps the swap limit it worked out at create");
        assertEquals(30L, grown.pidsLimit());
        assertEquals(500_000_000L, grown.nanoCpus());
        assertEquals("Memory limit should be smaller than already set memoryswap limit, update the memoryswap "
                + "at the same time", assertThrows(ConflictException.class,
                        () -> HostConfigs.update(stored, h("{\"Memory\":104857600}"), SWAP)).getMessage());
        HostConfig both = HostConfigs.update(stored, h("{\"Memory\":104857600,\"MemorySwap\":209715200}"), SWAP);
        assertEquals(200 * MB, both.memorySwap());
    }

    @Test
    void withoutSwapAccountingAnUpdateOfTheMemoryAloneIsFine() {
        HostConfig stored = created("{\"Memory\":33554432}", NO_SWAP);
        HostConfig grown = HostConfigs.update(stored, h("{\"Memory\":104857600}"), NO_SWAP);
        assertEquals(100 * MB, grown.memory());
        assertEquals(-1L, grown.memorySwap());
    }

    @Test
    void updateRefusesCpuConflictsAndBadValues() {
        HostConfig quota = created("{\"CpuQuota\":50000}", SWAP);
        assertEquals("Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set",
                assertThrows(ConflictException.class,
                        () -> HostConfigs.update(quota, h("{\"NanoCpus\":1000000000}"), SWAP)).getMessage());
        HostConfig nano = created("{\"NanoCpus\":1000000000}", SWAP);
        assertEquals("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set",
                assertThrows(ConflictException.class,
                        () -> HostConfigs.update(nano, h("{\"CpuPeriod\":50000}"), SWAP)).getMessage());
        assertEquals("Minimum memory limit allowed is 6MB", assertThrows(InvalidArgumentException.class,
                () -> HostConfigs.update(nano, h("{\"Memory\":1048576}"), SWAP)).getMessage());
        assertEquals("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available",
                assertThrows(InvalidArgumentException.class,
                        () -> HostConfigs.update(nano, h("{\"NanoCpus\":99000000000}"), SWAP)).getMessage());
    }

    private static HostConfig created(String json, HostLimits host) {
        return HostConfigs.withDefaults(h(json), host, false);
    }

    private static String invalid(String json) {
        return assertThrows(InvalidArgumentException.class, () -> created(json, SWAP)).getMessage();
    }

    static HostConfig h(String json) {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), HostConfig.class);
    }
}
