package dev.berth.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.Processes;
import dev.berth.testkit.TempDirs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorBinaryTest {
    @Test
    void installsOnceAndReplacesADifferentFile() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "berth-monitor is Linux-only");
        Path dir = Files.createTempDirectory("berth-monitor-install");
        try {
            Path installed = MonitorBinary.install(dir.resolve("bin"));
            assertEquals(dir.resolve("bin/berth-monitor"), installed);
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)));
            byte[] expected;
            try (InputStream in = MonitorBinary.class.getResourceAsStream(MonitorBinary.resourceName())) {
                expected = in.readAllBytes();
            }
            assertArrayEquals(expected, Files.readAllBytes(installed));

            FileTime stamp = FileTime.fromMillis(1_000_000_000_000L);
            Files.setLastModifiedTime(installed, stamp);
            MonitorBinary.install(dir.resolve("bin"));
            assertEquals(stamp, Files.getLastModifiedTime(installed), "an identical binary is left alone");

            Files.writeString(installed, "stale");
            MonitorBinary.install(dir.resolve("bin"));
            assertArrayEquals(expected, Files.readAllBytes(installed), "a different file is replaced");
            try (var files = Files.list(dir.resolve("bin"))) {
                assertEquals(1, files.count(), "no temporary files left behind");
            }

            var usage = Processes.run(List.of(installed.toString()), Duration.ofSeconds(10));
            assertEquals(2, usage.exitCode());
            assertTrue(usage.stderr().contains("usage:"), usage.stderr());
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void archNamesFollowOci() {
        String expected = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
        assertEquals(expected, MonitorBinary.arch());
        assertEquals("/dev/berth/monitor/linux-" + expected + "/berth-monitor", MonitorBinary.resourceName());
    }
}
