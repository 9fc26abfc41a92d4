package dev.berth.engine.store.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotStoreIT {
    static final ApplyOptions OPTS = ApplyOptions.layer(1L << 30, 0);
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Requirements.requireRoot();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "snapshots");
    }

    @AfterEach
    void tearDown() {
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    static byte[] layer(String name, String content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(buf)) {
            w.write(TarEntry.directory("d/", 0755, 1), new byte[0]);
            w.write(TarEntry.file("d/" + name, 0644, content.length(), 1), content.getBytes());
        }
        return buf.toByteArray();
    }

    @Test
    void unpacksOncePerDiffIdAndSurvivesARestart() throws IOException {
        byte[] tar = layer("a", "hello");
        Digest diffId = Digest.sha256(tar);
        SnapshotStore store = new SnapshotStore(dir);
        Snapshot s = store.unpack(diffId, new ByteArrayInputStream(tar), OPTS);
        assertEquals("hello", Files.readString(store.path(s).resolve("d/a")));
        InputStream mustNotBeRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("an existing layer is not unpacked again");
            }
        };
        assertEquals(s, store.unpack(diffId, mustNotBeRead, OPTS));

        SnapshotStore reopened = new SnapshotStore(dir);
        assertEquals(s.id(), reopened.get(diffId).orElseThrow().id());
    }

    @Test
    void wrongDiffIdLeavesNothingBehind() throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        Digest claimed = Digest.sha256(new byte[] {1});
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> store.unpack(claimed, new ByteArrayInputStream(layer("a", "x")), OPTS));
        assertTrue(e.getMessage().contains(claimed.toString()), e.getMessage());
        assertTrue(store.get(claimed).isEmpty());
        try (var s = Files.list(dir)) {
            assertEquals(List.of("meta"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void concurrentUnpacksOfOneLayerShareTheWork() throws Exception {
        byte[] tar = layer("big", "x".repeat(1 << 20));
        Digest diffId = Digest.sha256(tar);
        SnapshotStore store = new SnapshotStore(dir);
        AtomicInteger reads = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Snapshot> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    InputStream counted = new java.io.FilterInputStream(new ByteArrayInputStream(tar)) {
                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            if (off == 0) {
                                reads.incrementAndGet();
                            }
                            return super.read(b, off, len);
                        }
                    };
                    results.add(store.unpack(diffId, counted, OPTS));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(4, results.size());
        assertEquals(1, results.stream().map(Snapshot::id).distinct().count());
        assertEquals(1, store.all().size());
    }

    @Test
    void recoveryRemovesCrashLeftovers() throws IOException {
        byte[] tar = layer("a", "kept");
        Digest keep = Digest.sha256(tar);
        SnapshotStore store = new SnapshotStore(dir);
        store.unpack(keep, new ByteArrayInputStream(tar), OPTS);
        Files.createDirectories(dir.resolve("new-crashed/half"));
        Files.createDirectories(dir.resolve("999/orphan"));
        Files.writeString(dir.resolve("meta/" + "b".repeat(64) + ".json"),
                "{\"diffId\":\"sha256:" + "b".repeat(64) + "\",\"id\":555,\"size\":1,\"created\":\"2024-01-01T00:00:00Z\"}");

        SnapshotStore after = new SnapshotStore(dir);
        assertTrue(after.get(keep).isPresent());
        assertFalse(Files.exists(dir.resolve("new-crashed")));
        assertFalse(Files.exists(dir.resolve("999")));
        assertFalse(Files.exists(dir.resolve("meta/" + "b".repeat(64) + ".json")));
        assertEquals(1, after.all().size());
    }

    @Test
    void removeDeletesTreeAndRecord() throws IOException {
        byte[] tar = layer("a", "x");
        Digest d = Digest.sha256(tar);
        SnapshotStore store = new SnapshotStore(dir);
        Snapshot s = store.unpack(d, new ByteArrayInputStream(tar), OPTS);
        store.remove(d);
        assertFalse(Files.exists(store.path(s)));
        assertTrue(new SnapshotStore(dir).get(d).isEmpty());
    }
}
