package dev.berth.engine.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.oci.Digest;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with the real dockerd (Debian's docker.io, 20.10): a Berth save loads and runs there with the
 * same image IDs, and dockerd's saves (its legacy layout: uncompressed {@code <v1id>/layer.tar}, shared
 * layers as symlinks, {@code <id>.json} configs) load into Berth with the IDs dockerd reports.
 */
class ImageArchivesDockerdIT {
    static ReferenceDockerd dockerd;
    static DockerCli docker;

    ArchiveTestStores berth;
    ArchiveTestStores fresh;

    @BeforeAll
    static void startDockerd() throws Exception {
        Requirements.requireRoot();
        Requirements.requireReferenceDockerd();
        Requirements.requireDockerCli();
        dockerd = ReferenceDockerd.start();
        docker = dockerd.cli();
    }

    @AfterAll
    static void stopDockerd() throws Exception {
        if (dockerd != null) {
            dockerd.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        berth = new ArchiveTestStores();
        fresh = new ArchiveTestStores();
        Path fixtures = berth.dir.resolve("fixtures.tar");
        try (OutputStream out = Files.newOutputStream(fixtures)) {
            ArchiveFixtures.ociLayoutTar(FixtureImages.layout(), List.of("busybox:latest", "web:latest"), out);
        }
        try (InputStream in = Files.newInputStream(fixtures)) {
            berth.archives.load(in);
        }
    }

    @AfterEach
    void tearDown() {
        if (berth != null) {
            berth.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void berthSaveLoadsIntoDockerdWithTheSameIdsAndRuns() throws Exception {
        Path saved = saveFromBerth();
        String out = docker.ok("load", "-i", saved.toString());
        assertTrue(out.contains("Loaded image: busybox:latest") && out.contains("Loaded image: web:latest"), out);
        for (String name : List.of("busybox:latest", "web:latest")) {
            assertEquals(berth.images.resolve(name).id().toString(), inspectId(name), name + " has Berth's ID in dockerd");
        }
        assertEquals("ok", docker.ok("run", "--rm", "--network", "none", "busybox:latest", "echo", "ok").strip());
    }

    @Test
    void dockerdSaveOfABerthSaveLoadsBackWithTheSameIds() throws Exception {
        docker.ok("load", "-i", saveFromBerth().toString());
        Path fromDockerd = berth.dir.resolve("dockerd-save.tar");
        docker.ok("save", "-o", fromDockerd.toString(), "busybox:latest", "web:latest");
        List<String> loaded = loadInto(fresh, fromDockerd);
        assertEquals(List.of("Loaded image: busybox:latest", "Loaded image: web:latest"),
                loaded.stream().sorted().toList(), "dockerd 20.10 orders manifest.json by map iteration");
        for (String name : List.of("busybox:latest", "web:latest")) {
            ImageRecord original = berth.images.resolve(name);
            ImageRecord reloaded = fresh.images.resolve(name);
            assertEquals(inspectId(name), reloaded.id().toString(), name + " has dockerd's ID in Berth");
            assertEquals(original.id(), reloaded.id());
            assertEquals(original.diffIds(), reloaded.diffIds());
            for (Digest diffId : original.diffIds()) {
                assertEquals(listing(berth, diffId), listing(fresh, diffId), "layer " + diffId + " unpacks the same");
            }
        }
        assertTrue(fresh.stagingEmpty());
    }

    @Test
    void dockerdImportAndCommitLoadIntoBerthWithTheSameIds() throws Exception {
        byte[] rootfs = ImageArchivesImportIT.busyboxRootfs();
        docker.run(List.of("import", "--change", "CMD [\"sh\"]", "-", "imported:1"), rootfs, Duration.ofMinutes(2))
                .requireSuccess();
        docker.run("rm", "-f", "maker");
        docker.ok("run", "--name", "maker", "--network", "none", "imported:1", "sh", "-c", "echo hi > /hi.txt");
        docker.ok("commit", "maker", "derived:1");
        docker.ok("rm", "maker");
        Path fromDockerd = berth.dir.resolve("dockerd-import.tar");
        docker.ok("save", "-o", fromDockerd.toString(), "imported:1", "derived:1");

        List<String> loaded = loadInto(fresh, fromDockerd);
        assertEquals(List.of("Loaded image: derived:1", "Loaded image: imported:1"), loaded.stream().sorted().toList(),
                "dockerd 20.10 orders manifest.json by map iteration");
        ImageRecord imported = fresh.images.resolve("imported:1");
        ImageRecord derived = fresh.images.resolve("derived:1");
        assertEquals(inspectId("imported:1"), imported.id().toString());
        assertEquals(inspectId("derived:1"), derived.id().toString());
        assertEquals(Digest.sha256(rootfs), imported.diffIds().getFirst(), "dockerd kept the import tar as given");
        assertEquals(imported.layers().getFirst(), derived.layers().getFirst(),
                "the shared base layer (a symlink in dockerd's save) is one layer with one blob");
        SnapshotStore snapshots = fresh.images.snapshots();
        Path top = snapshots.path(snapshots.get(derived.diffIds().getLast()).orElseThrow());
        assertEquals("hi\n", Files.readString(top.resolve("hi.txt")));
    }

    private Path saveFromBerth() throws IOException {
        Path saved = berth.dir.resolve("berth-save.tar");
        try (OutputStream out = Files.newOutputStream(saved)) {
            berth.archives.save(List.of("busybox:latest", "web:latest"), out);
        }
        return saved;
    }

    private static List<String> loadInto(ArchiveTestStores stores, Path tar) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return stores.archives.load(in);
        }
    }

    private static String inspectId(String name) throws Exception {
        return docker.ok("image", "inspect", "--format", "{{.Id}}", name).strip();
    }

    private static List<String> listing(ArchiveTestStores s, Digest diffId) throws IOException {
        SnapshotStore snapshots = s.images.snapshots();
        return ArchiveFixtures.listing(snapshots.path(snapshots.get(diffId).orElseThrow()));
    }
}
