package dev.berth.engine.container.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's device nodes as a privileged container gets them, and dev_t decoding. */
class HostDevicesTest {

    @Test
    void theHostsCharacterDevicesAreListedWithNumbersAndModes() {
        List<Map<String, Object>> devices = HostDevices.list(Path.of("/dev"));
        assertTrue(devices.contains(Map.of("path", "/dev/null", "type", "c", "major", 1L, "minor", 3L,
                "fileMode", 0666, "uid", 0, "gid", 0)), devices.toString());
        List<Object> paths = devices.stream().map(d -> d.get("path")).toList();
        // links (/dev/stdin), per-container directories (/dev/pts, /dev/shm) and the console are not devices
        assertTrue(paths.stream().noneMatch(p -> p.equals("/dev/stdin") || p.equals("/dev/console")
                || ((String) p).startsWith("/dev/pts/") || ((String) p).startsWith("/dev/shm/")), paths.toString());
        assertEquals(paths.stream().sorted().toList(), paths, "in path order, so the spec is stable");
    }

    @Test
    void filesLinksAndEmptyDirectoriesAreNoDevices(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("file"), "x");
        Files.createSymbolicLink(dir.resolve("null"), Path.of("/dev/null"));
        Files.createDirectories(dir.resolve("sub/deeper"));
        assertEquals(List.of(), HostDevices.list(dir));
    }

    @Test
    void devTDecodesAsGlibcDoes() {
        assertEquals(8, HostDevices.major(0x801));
        assertEquals(1, HostDevices.minor(0x801));
        // makedev(4096 + 3, 256 + 7): the high bits of both live above bit 20 and bit 44
        long dev = ((4099L & 0xfff) << 8) | ((4099L & ~0xfffL) << 32) | (263L & 0xff) | ((263L & ~0xffL) << 12);
        assertEquals(4099, HostDevices.major(dev));
        assertEquals(263, HostDevices.minor(dev));
    }
}
