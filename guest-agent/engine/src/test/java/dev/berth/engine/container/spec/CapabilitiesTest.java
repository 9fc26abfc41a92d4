package dev.berth.engine.container.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilitiesTest {

    @Test
    void defaultSetIsDockersFourteenWithCapEffA80425fb() {
        assertEquals(14, Capabilities.DEFAULT.size());
        assertEquals("00000000a80425fb", String.format("%016x", Capabilities.mask(Capabilities.DEFAULT)));
        assertEquals(Capabilities.DEFAULT, Capabilities.resolve(false, List.of(), List.of()));
    }

    @Test
    void capabilityNumbersFollowTheKernelHeader() {
        // spot checks against include/uapi/linux/capability.h: an off-by-one would shift every mask
        assertEquals(0, Capabilities.KNOWN.indexOf("CAP_CHOWN"));
        assertEquals(21, Capabilities.KNOWN.indexOf("CAP_SYS_ADMIN"));
        assertEquals(31, Capabilities.KNOWN.indexOf("CAP_SETFCAP"));
        assertEquals(40, Capabilities.KNOWN.indexOf("CAP_CHECKPOINT_RESTORE"));
    }

    @Test
    void addAcceptsAnyCaseWithOrWithoutPrefix() {
        List<String> caps = Capabilities.resolve(false, List.of("sys_admin", "CAP_Net_Admin"), List.of());
        assertTrue(caps.containsAll(List.of("CAP_SYS_ADMIN", "CAP_NET_ADMIN")));
        assertEquals(16, caps.size());
    }

    @Test
    void dropRemovesFromTheDefaultSet() {
        List<String> caps = Capabilities.resolve(false, List.of(), List.of("chown", "NET_RAW"));
        assertFalse(caps.contains("CAP_CHOWN"));
        assertFalse(caps.contains("CAP_NET_RAW"));
        assertEquals(12, caps.size());
    }

    @Test
    void addingADefaultCapabilityDoesNotDuplicateIt() {
        assertEquals(Capabilities.DEFAULT, Capabilities.resolve(false, List.of("CHOWN"), List.of()));
    }

    @Test
    void dropAllKeepsOnlyTheAdded() {
        assertEquals(List.of("CAP_NET_BIND_SERVICE"),
                Capabilities.resolve(false, List.of("net_bind_service"), List.of("ALL")));
        assertEquals(List.of(), Capabilities.resolve(false, List.of(), List.of("all")));
    }

    @Test
    void addAllGivesEverythingMinusTheDropped() {
        List<String> caps = Capabilities.resolve(false, List.of("ALL"), List.of("SYS_MODULE"));
        assertEquals(Capabilities.all().size() - 1, caps.size());
        assertFalse(caps.contains("CAP_SYS_MODULE"));
    }

    @Test
    void privilegedGetsEveryCapabilityOfTheKernelWhateverIsDropped() {
        assertEquals(Capabilities.all(), Capabilities.resolve(true, List.of(), List.of("ALL")));
        assertTrue(Capabilities.all().contains("CAP_SYS_ADMIN"));
    }

    @Test
    void unknownCapabilityIsTheUsersErrorInDockersWords() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Capabilities.resolve(false, List.of("foo"), List.of()));
        assertEquals("unknown capability: \"CAP_FOO\"", e.getMessage());
        e = assertThrows(InvalidArgumentException.class,
                () -> Capabilities.resolve(false, List.of(), List.of("CAP_BAR")));
        assertEquals("unknown capability: \"CAP_BAR\"", e.getMessage());
    }

    @Test
    void lastCapComesFromTheKernelAndFallsBackToEveryKnownOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("cap_last_cap");
        Files.writeString(file, "38\n");
        assertEquals(38, Capabilities.lastCap(file));
        Files.writeString(file, "63\n"); // a newer kernel: only the names we know can be requested
        assertEquals(40, Capabilities.lastCap(file));
        assertEquals(40, Capabilities.lastCap(dir.resolve("missing")));
    }

    @Test
    void allIsWhatTheEngineMayGrant(@TempDir Path dir) throws IOException {
        Path status = dir.resolve("status");
        // a nested engine without CAP_SYS_RESOURCE (bit 24), as on some CI hosts
        Files.writeString(status, "Name:\tjava\nCapInh:\t0000000000000000\nCapBnd:\t000001fffeffffff\n");
        List<String> grantable = Capabilities.grantable(Capabilities.KNOWN, status);
        assertEquals(40, grantable.size());
        assertFalse(grantable.contains("CAP_SYS_RESOURCE"));
        assertEquals(Capabilities.KNOWN, Capabilities.grantable(Capabilities.KNOWN, dir.resolve("missing")));
        Path proc = Path.of("/proc/sys/kernel/cap_last_cap");
        if (Files.isReadable(proc)) {
            assertTrue(Capabilities.all().size() <= Capabilities.lastCap(proc) + 1);
        }
    }
}
