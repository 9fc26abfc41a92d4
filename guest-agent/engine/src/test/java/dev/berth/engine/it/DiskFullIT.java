package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.Processes;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The data disk fills during a pull: a clear "no space left on device" error, partial downloads and layers
 * freed, the store consistent, and the engine still working for an image that fits.
 */
class DiskFullIT {
    @Test
    void aPullThatDoesNotFitFailsCleanly() throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "berth-full");
        Files.createDirectories(dir.resolve("root"));
        Processes.run(List.of("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", dir.resolve("root").toString()),
                Duration.ofSeconds(10)).requireSuccess();
        try (RegistryFixture registry = RegistryFixture.startWithFixtures()) {
            try (EngineProcess engine = EngineProcess.startAt(dir, "--free-space-reserve-mb", "4")) {
                Processes.Result r = engine.cli().run("pull", registry.host() + "/big");
                assertEquals(1, r.exitCode());
                assertTrue(r.stderr().contains("no space left on device"), r.stderr());
                assertEquals(List.of(), StoreFsck.check(engine.root()));
                long used = Files.getFileStore(engine.root()).getTotalSpace()
                        - Files.getFileStore(engine.root()).getUsableSpace();
                assertTrue(used < 16 << 20, "partial downloads and layers were freed, " + used + " bytes still used");

                engine.cli().ok("pull", registry.host() + "/busybox");
                assertEquals(List.of(), StoreFsck.check(engine.root()));
            }
        } finally {
            Processes.run(List.of("umount", "-l", dir.resolve("root").toString()), Duration.ofSeconds(10));
            Processes.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(30));
        }
    }
}
