package dev.berth.engine.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.tar.TarEntry;
import dev.berth.testkit.Requirements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docker import: a busybox root filesystem becomes a one-layer image with the changes applied. */
class ImageArchivesImportIT {
    static final List<String> CHANGES = List.of("CMD [\"sh\"]", "ENV FOO=bar", "EXPOSE 8080/tcp", "WORKDIR /srv");

    ArchiveTestStores stores;
    byte[] rootfs;

    @BeforeEach
    void setUp() throws IOException {
        Requirements.requireRoot();
        stores = new ArchiveTestStores();
        rootfs = busyboxRootfs();
    }

    @AfterEach
    void tearDown() {
        if (stores != null) {
            stores.close();
        }
    }

    /** /bin/busybox, /bin/sh → busybox, /srv: what {@code tar -C rootfs -c .} of a tiny busybox system gives. */
    static byte[] busyboxRootfs() throws IOException {
        Path busybox = Path.of("/bin/busybox");
        return ArchiveFixtures.tar(t -> {
            t.write(TarEntry.directory("./", 0755, 1), new byte[0]);
            t.write(TarEntry.directory("./bin/", 0755, 1), new byte[0]);
            try (InputStream in = Files.newInputStream(busybox)) {
                t.write(TarEntry.file("./bin/busybox", 0755, Files.size(busybox), 1), in);
            }
            t.write(TarEntry.symlink("./bin/sh", "busybox", 1), new byte[0]);
            t.write(TarEntry.directory("./srv/", 0755, 1), new byte[0]);
        });
    }

    @Test
    void importAppliesChangesAndRecordsTheDefaultComment() throws IOException {
        Digest id = stores.archives.importRootfs(new ByteArrayInputStream(rootfs), CHANGES, null,
                Reference.parse("imported:1"));
        ImageRecord r = stores.images.resolve("imported:1");
        assertEquals(id, r.id());
        byte[] configBytes = stores.images.content().read(id, 1 << 20);
        assertEquals(id, Digest.sha256(configBytes), "the image ID is the config digest");
        ImageConfig c = stores.images.config(id);
        assertEquals(List.of("sh"), c.config().cmd());
        assertEquals(List.of("FOO=bar"), c.config().env());
        assertEquals(Map.of("8080/tcp", Map.of()), c.config().exposedPorts());
        assertEquals("/srv", c.config().workingDir());
        assertEquals("Imported from -", c.history().getFirst().comment());
        assertEquals("Imported from -", Json.mapper().readTree(configBytes).get("comment").asString());
        assertEquals(Platform.host().architecture(), c.architecture());
        assertEquals("linux", c.os());
        assertEquals(List.of(Digest.sha256(rootfs)), c.diffIds(), "the diff ID is the digest of the tar as given");

        ImageRecord.Layer layer = r.layers().getFirst();
        assertEquals(MediaTypes.DOCKER_LAYER_GZIP, layer.mediaType());
        assertTrue(stores.images.content().info(layer.blob()).isPresent(), "the gzipped layer blob is stored");
        assertNull(r.manifest());
        Path tree = stores.images.snapshots().path(stores.images.snapshots().get(layer.diffId()).orElseThrow());
        assertEquals("busybox", Files.readSymbolicLink(tree.resolve("bin/sh")).toString());
        assertEquals(Files.size(Path.of("/bin/busybox")), Files.size(tree.resolve("bin/busybox")));
        assertTrue(stores.stagingEmpty());
        assertEquals(List.of("tag", "import"), stores.imageActions());
        assertEquals(id.toString(), stores.imageEvents("import").getFirst().actor().id());
    }

    @Test
    void gzipAndZstdInputGiveTheSameLayer() throws IOException {
        Digest plain = stores.archives.importRootfs(new ByteArrayInputStream(rootfs), List.of(), "plain", null);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(rootfs);
        }
        Digest gzipped = stores.archives.importRootfs(new ByteArrayInputStream(gz.toByteArray()), List.of(), "gz",
                null);
        ByteArrayOutputStream zst = new ByteArrayOutputStream();
        try (var out = new ZstdOutputStream(zst)) {
            out.write(rootfs);
        }
        Digest zstd = stores.archives.importRootfs(new ByteArrayInputStream(zst.toByteArray()), List.of(), "zstd",
                null);
        List<Digest> diffIds = List.of(plain, gzipped, zstd).stream()
                .map(id -> stores.images.store().get(id).orElseThrow().diffIds().getFirst()).toList();
        assertEquals(List.of(Digest.sha256(rootfs), Digest.sha256(rootfs), Digest.sha256(rootfs)), diffIds);
        assertEquals(1, stores.images.snapshots().all().size(), "one layer, unpacked once");
        assertEquals("gz", stores.images.config(gzipped).history().getFirst().comment());
        assertEquals(3, stores.imageEvents("import").size());
        assertTrue(stores.images.names(stores.images.store().get(plain).orElseThrow()).isEmpty());
    }

    @Test
    void changesThatNeedABuildAreRefusedBeforeTheInputIsRead() throws IOException {
        InputStream unread = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the input must not be read when a change is invalid");
            }
        };
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> stores.archives.importRootfs(unread, List.of("ENV A=b", "RUN x"), null, null));
        assertEquals("run is not a valid change command", e.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> stores.archives.importRootfs(unread, List.of("COPY a b"), null, null));
        assertTrue(stores.storesEmpty());
        assertTrue(stores.stagingEmpty());
    }

    @Test
    void aRootfsThatIsNotATarRegistersNothing() throws IOException {
        byte[] junk = new byte[3000];
        new java.util.Random(7).nextBytes(junk);
        assertThrows(InvalidArgumentException.class,
                () -> stores.archives.importRootfs(new ByteArrayInputStream(junk), List.of(), null, null));
        assertTrue(stores.images.all().isEmpty());
        assertTrue(stores.images.snapshots().all().isEmpty());
        assertTrue(stores.stagingEmpty());
    }
}
