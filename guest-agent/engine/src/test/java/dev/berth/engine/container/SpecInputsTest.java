package dev.berth.engine.container;

import static dev.berth.engine.container.HostConfigsTest.h;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What reaches the runtime spec from a stored HostConfig: the swap limit per kernel, tmpfs, ulimits. */
class SpecInputsTest {
    static final long MB = 1 << 20;

    @Test
    void theSwapLimitReachesTheCgroupOnlyWhereTheKernelAccountsSwap() {
        assertEquals(64 * MB, swap("{\"Memory\":33554432,\"MemorySwap\":67108864}", true));
        assertEquals(-1, swap("{\"Memory\":33554432,\"MemorySwap\":-1}", true));
        assertEquals(64 * MB, swap("{\"Memory\":33554432}", true), "configs stored before the default");
        assertEquals(0, swap("{\"Memory\":33554432,\"MemorySwap\":67108864}", false),
                "no swap accounting: memory limited without swap, nothing runc cannot write");
        assertEquals(0, swap("{\"Memory\":33554432,\"MemorySwap\":-1}", false));
        assertEquals(0, swap("{\"MemorySwap\":104857600}", true), "no swap limit without a memory limit");
    }

    @Test
    void cpusBecomeQuotaOverTheDefaultPeriod() {
        SpecInput.Resources r = SpecInputs.resources(h("{\"NanoCpus\":500000000,\"CpuShares\":512}"), true);
        assertEquals(50_000, r.cpuQuota());
        assertEquals(100_000, r.cpuPeriod());
        assertEquals(512, r.cpuShares());
    }

    @Test
    void tmpfsMountsAreAddedUnlessTheMountDomainAlreadyCoversTheirPath() {
        List<SpecInput.MountSpec> own = List.of(new SpecInput.MountSpec("/run/", "tmpfs", "tmpfs", List.of("rw")));
        List<SpecInput.MountSpec> mounts = SpecInputs.withTmpfs(own,
                h("{\"Tmpfs\":{\"/tmp\":\"size=1m\",\"/run\":\"exec\"}}"));
        assertEquals(List.of(own.get(0), new SpecInput.MountSpec("/tmp", "tmpfs", "tmpfs",
                List.of("noexec", "nosuid", "nodev", "rprivate", "size=1m"))), mounts);
        assertEquals("invalid mount path: 'tmp' mount path must be absolute", assertThrows(
                InvalidArgumentException.class, () -> SpecInputs.tmpfsMounts(h("{\"Tmpfs\":{\"tmp\":\"\"}}")))
                .getMessage());
    }

    @Test
    void ulimitsAreCheckedByName() {
        assertEquals(List.of(new SpecInput.Ulimit("nofile", 1234, 2345)),
                SpecInputs.ulimits(h("{\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1234,\"Hard\":2345}]}")));
        assertThrows(InvalidArgumentException.class,
                () -> SpecInputs.ulimits(h("{\"Ulimits\":[{\"Name\":\"nofiles\",\"Soft\":1,\"Hard\":1}]}")));
    }

    private static long swap(String json, boolean accounting) {
        return SpecInputs.resources(h(json), accounting).memorySwap();
    }
}
