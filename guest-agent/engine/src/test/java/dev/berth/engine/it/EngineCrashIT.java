package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.Processes;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.registry.FaultyRegistryProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the engine in the middle of a pull, then a restart: nothing half-written is visible,
 * the store is consistent, and the same pull completes, resuming the kept bytes with HTTP Range.
 */
class EngineCrashIT {
    @Test
    void killedDuringAPullTheSamePullCompletesAfterRestart() throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        try (RegistryFixture registry = RegistryFixture.startWithFixtures();
                FaultyRegistryProxy proxy = FaultyRegistryProxy.start(registry.baseUri());
                EngineProcess engine = EngineProcess.start()) {
            String image = proxy.host() + "/big";
            CompletableFuture<Processes.Result> pull = CompletableFuture.supplyAsync(() -> {
                try {
                    return engine.cli().run("pull", image);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertTrue(waitForPartialDownload(engine.root(), 2 << 20), "the pull was caught mid-download");
            engine.kill9();
            Processes.Result interrupted = pull.join();
            assertEquals(1, interrupted.exitCode(), "the client sees the pull fail: " + interrupted.stdout());

            engine.launch();
            assertEquals(List.of(), StoreFsck.check(engine.root()), "nothing half-written after the restart");
            assertFalse(engine.cli().ok("images", "--format", "{{.Repository}}").contains(image),
                    "a half-pulled image is not listed");

            proxy.clearLog();
            engine.cli().ok("pull", image);
            assertTrue(proxy.requests("GET", "/v2/big/blobs/.*").stream().anyMatch(x -> x.range() != null),
                    "kept bytes were resumed with Range: " + proxy.log());
            assertEquals("5\n", engine.cli().ok("image", "inspect", "--format", "{{len .RootFS.Layers}}", image));
            assertEquals(List.of(), StoreFsck.check(engine.root()));
        }
    }

    /** Polls the ingest directories until some download has at least {@code bytes} on disk. */
    static boolean waitForPartialDownload(Path root, long bytes) throws Exception {
        Path ingest = root.resolve("content/ingest");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(ingest)) {
                try (Stream<Path> s = Files.walk(ingest)) {
                    boolean found = s.filter(p -> p.getFileName().toString().equals("data")).anyMatch(p -> {
                        try {
                            return Files.size(p) >= bytes;
                        } catch (Exception gone) {
                            return false;
                        }
                    });
                    if (found) {
                        return true;
                    }
                } catch (Exception racing) {
                    // files come and go while we look
                }
            }
            Thread.sleep(1);
        }
        return false;
    }
}
