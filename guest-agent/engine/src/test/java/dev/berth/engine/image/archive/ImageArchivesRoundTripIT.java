package dev.berth.engine.image.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.Reference;
import dev.berth.engine.os.Linux;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.Requirements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Load of the fixture images as an OCI layout, save, wipe, load of the save: the images come back with the
 * same IDs, tags and unpacked layers, and the save is the format Docker 25 writes.
 */
class ImageArchivesRoundTripIT {
    static final List<String> SAVED = List.of("busybox", "web:latest", "whiteout");

    ArchiveTestStores first;
    ArchiveTestStores second;
    OciLayout layout;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.requireRoot();
        layout = FixtureImages.layout();
        first = new ArchiveTestStores();
        second = new ArchiveTestStores();
    }

    @AfterEach
    void tearDown() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void ociLayoutLoadThenSaveThenLoadKeepsImagesAndLayers() throws Exception {
        List<String> loaded = loadFixtures(first, List.of("busybox:latest", "web:latest", "whiteout:latest",
                "hello-world:latest"));
        assertEquals(List.of("Loaded image: busybox:latest", "Loaded image: web:latest",
                "Loaded image: whiteout:latest", "Loaded image: hello-world:latest"), loaded);
        assertTrue(first.stagingEmpty(), "staging is cleaned after a load");
        assertEquals(4, first.imageEvents("load").size());

        Map<String, Digest> ids = new LinkedHashMap<>();
        for (String name : List.of("busybox", "web", "whiteout")) {
            ImageRecord r = first.images.resolve(name);
            ids.put(name, r.id());
            assertNotNull(r.manifest(), name + " keeps the manifest it was loaded with");
            assertEquals(configDigest(name), r.id(), "the image ID is the digest of the fixture's config");
        }
        byte[] saved = save(first, SAVED);
        assertArrayEquals(saved, save(first, SAVED), "saving twice gives the same bytes");
        assertEquals(6, first.imageEvents("save").size(), "one save event per image and save");
        assertEquals(ids.get("busybox").toString(), first.imageEvents("save").getFirst().actor().id());

        List<String> reloaded = second.archives.load(new ByteArrayInputStream(saved));
        assertEquals(List.of("Loaded image: busybox:latest", "Loaded image: web:latest",
                "Loaded image: whiteout:latest"), reloaded);
        for (Map.Entry<String, Digest> e : ids.entrySet()) {
            ImageRecord a = first.images.resolve(e.getKey());
            ImageRecord b = second.images.resolve(e.getKey());
            assertEquals(e.getValue(), b.id(), e.getKey() + " has the same ID after the round trip");
            assertEquals(a.layers(), b.layers(), e.getKey() + " has the same layer blobs");
            assertEquals(a.manifest(), b.manifest(), e.getKey() + " keeps its manifest digest");
            assertEquals(first.images.names(a), second.images.names(b));
            for (Digest diffId : a.diffIds()) {
                assertEquals(listing(first, diffId), listing(second, diffId), "layer " + diffId + " unpacks the same");
            }
        }
        assertTrue(second.images.find("hello-world").isEmpty(), "only the saved images are in the archive");
        assertOverlayWhiteouts(second, second.images.resolve("whiteout"));
        assertTrue(second.stagingEmpty());
    }

    @Test
    void saveWritesDockerArchiveAndOciLayoutTogether() throws Exception {
        loadFixtures(first, List.of("busybox:latest", "web:latest"));
        first.images.tag("busybox", Reference.parse("localhost:5000/bb:1"));
        byte[] saved = save(first, List.of("busybox:latest", "localhost:5000/bb:1", "web"));
        Map<String, byte[]> members = members(saved);
        List<String> names = new ArrayList<>(members.keySet());
        assertEquals(names.stream().sorted().toList(), names, "members are in lexical order");
        assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", text(members, "oci-layout"));

        Digest busybox = first.images.resolve("busybox").id();
        Digest web = first.images.resolve("web").id();
        List<ManifestItem> items = List.of(Json.read(members.get("manifest.json"), ManifestItem[].class));
        assertEquals(2, items.size());
        assertEquals("blobs/sha256/" + busybox.hex(), items.get(0).config());
        assertEquals(List.of("busybox:latest", "localhost:5000/bb:1"), items.get(0).repoTags());
        assertEquals(List.of("web:latest"), items.get(1).repoTags());
        for (ManifestItem item : items) {
            for (String layer : item.layers()) {
                byte[] blob = members.get(layer);
                assertNotNull(blob, layer + " is in the archive");
                assertEquals(0x1f, blob[0] & 0xff, "layers are written as stored: gzip");
                assertEquals("blobs/sha256/" + Digest.sha256(blob).hex(), layer);
            }
        }
        ImageIndex index = Json.read(members.get("index.json"), ImageIndex.class);
        assertEquals(3, index.manifests().size(), "one index.json entry per tag");
        assertEquals("docker.io/library/busybox:latest", index.manifests().get(0).annotations()
                .get("io.containerd.image.name"));
        assertEquals("latest", index.manifests().get(0).annotations().get(OciLayout.REF_NAME));
        assertEquals("localhost:5000/bb:1", index.manifests().get(1).annotations().get("io.containerd.image.name"));
        for (var d : index.manifests()) {
            assertArrayEquals(members.get("blobs/sha256/" + d.digest().hex()),
                    first.images.content().read(d.digest(), 1 << 20), "the manifest saved is the one stored");
            assertEquals(MediaTypes.DOCKER_MANIFEST, d.mediaType());
        }
        assertTrue(text(members, "repositories").contains("\"localhost:5000/bb\":{\"1\":"));
        assertTrue(members.containsKey("blobs/sha256/" + web.hex()));
    }

    @Test
    void savingByIdWritesAnUntaggedImageThatLoadsUntagged() throws Exception {
        loadFixtures(first, List.of("busybox:latest"));
        Digest id = first.images.resolve("busybox").id();
        byte[] saved = save(first, List.of(id.hex().substring(0, 12)));
        List<ManifestItem> items = List.of(Json.read(members(saved).get("manifest.json"), ManifestItem[].class));
        assertNull(items.getFirst().repoTags(), "RepoTags is null for an image saved by ID, as Docker writes it");
        assertEquals(List.of("Loaded image ID: " + id), second.archives.load(new ByteArrayInputStream(saved)));
        assertTrue(second.images.names(second.images.resolve(id.toString())).isEmpty());
        assertEquals(List.of("Loaded image ID: " + id), second.archives.load(new ByteArrayInputStream(
                ImageArchivesHostileIT.gzip(saved))), "docker load also takes a compressed archive");
    }

    /**
     * Docker 25's save: uncompressed layers at {@code blobs/sha256/<diff ID>}, an OCI manifest listing them,
     * index.json named by {@code io.containerd.image.name}. Loads as a docker-archive and, without its
     * manifest.json, as a plain OCI layout; both times the layer is gzipped for the store.
     */
    @Test
    void docker25StyleArchiveLoadsWithAndWithoutManifestJson() throws Exception {
        loadFixtures(first, List.of("busybox:latest"));
        ImageRecord r = first.images.resolve("busybox");
        for (boolean withManifestJson : List.of(true, false)) {
            try (ArchiveTestStores target = new ArchiveTestStores()) {
                byte[] archive = docker25Style(r, withManifestJson);
                assertEquals(List.of("Loaded image: busybox:latest"), target.archives.load(new ByteArrayInputStream(archive)));
                ImageRecord loaded = target.images.resolve("busybox:latest");
                assertEquals(r.id(), loaded.id());
                assertEquals(r.diffIds(), loaded.diffIds());
                assertEquals(MediaTypes.DOCKER_LAYER_GZIP, loaded.layers().getFirst().mediaType());
                assertNull(loaded.manifest(), "the archive's manifest lists uncompressed blobs, which are not kept");
                assertEquals(listing(first, r.diffIds().getFirst()), listing(target, r.diffIds().getFirst()));
            }
        }
    }

    private byte[] docker25Style(ImageRecord r, boolean withManifestJson) throws IOException {
        byte[] config = first.images.content().read(r.id(), 1 << 20);
        byte[] layer;
        try (var in = new java.util.zip.GZIPInputStream(first.images.content().open(r.layers().getFirst().blob()))) {
            layer = in.readAllBytes();
        }
        Digest diffId = Digest.sha256(layer);
        byte[] manifest = Json.write(new dev.berth.oci.ImageManifest(2, MediaTypes.OCI_MANIFEST,
                dev.berth.oci.Descriptor.of(MediaTypes.OCI_CONFIG, r.id(), config.length),
                List.of(dev.berth.oci.Descriptor.of(MediaTypes.OCI_LAYER, diffId, layer.length)), null));
        var entry = dev.berth.oci.Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.sha256(manifest), manifest.length)
                .withAnnotations(Map.of("io.containerd.image.name", "docker.io/library/busybox:latest",
                        OciLayout.REF_NAME, "latest"));
        byte[] index = Json.write(new ImageIndex(2, MediaTypes.OCI_INDEX, List.of(entry), null));
        String manifestJson = "[{\"Config\":\"blobs/sha256/" + r.id().hex() + "\",\"RepoTags\":[\"busybox:latest\"],"
                + "\"Layers\":[\"blobs/sha256/" + diffId.hex() + "\"]}]\n";
        return ArchiveFixtures.tar(t -> {
            ArchiveFixtures.file(t, "blobs/sha256/" + r.id().hex(), config);
            ArchiveFixtures.file(t, "blobs/sha256/" + diffId.hex(), layer);
            ArchiveFixtures.file(t, "blobs/sha256/" + Digest.sha256(manifest).hex(), manifest);
            ArchiveFixtures.file(t, "index.json", index);
            if (withManifestJson) {
                ArchiveFixtures.file(t, "manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8));
            }
            ArchiveFixtures.file(t, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
        });
    }

    private List<String> loadFixtures(ArchiveTestStores stores, List<String> names) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        ArchiveFixtures.ociLayoutTar(layout, names, tar);
        return stores.archives.load(new ByteArrayInputStream(tar.toByteArray()));
    }

    private static byte[] save(ArchiveTestStores stores, List<String> names) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stores.archives.save(names, out);
        return out.toByteArray();
    }

    private Digest configDigest(String name) throws IOException {
        var d = layout.find(name + ":latest").orElseThrow();
        var m = Json.read(layout.readBlob(d.digest()), dev.berth.oci.ImageManifest.class);
        return m.config().digest();
    }

    private static List<String> listing(ArchiveTestStores s, Digest diffId) throws IOException {
        SnapshotStore snapshots = s.images.snapshots();
        return ArchiveFixtures.listing(snapshots.path(snapshots.get(diffId).orElseThrow()));
    }

    /** The whiteout fixture's upper layer: data/gone is a 0/0 char device, opaque/ has the opaque xattr. */
    private static void assertOverlayWhiteouts(ArchiveTestStores s, ImageRecord whiteout) throws IOException {
        SnapshotStore snapshots = s.images.snapshots();
        Path upper = snapshots.path(snapshots.get(whiteout.diffIds().getLast()).orElseThrow());
        Map<String, Object> gone = Files.readAttributes(upper.resolve("data/gone"), "unix:mode,rdev",
                LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020000, (Integer) gone.get("mode") & 0170000, "data/gone is a character device");
        assertEquals(0L, ((Number) gone.get("rdev")).longValue(), "with device number 0/0");
        assertArrayEquals(new byte[] {'y'}, Linux.lgetxattr(upper.resolve("opaque").toString(),
                "trusted.overlay.opaque"));
    }

    static Map<String, byte[]> members(byte[] tar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (TarEntry e = r.next(); e != null; e = r.next()) {
            out.put(e.name(), e.type() == TarEntry.Type.FILE ? r.content().readAllBytes() : null);
        }
        return out;
    }

    private static String text(Map<String, byte[]> members, String name) {
        return new String(members.get(name), StandardCharsets.UTF_8);
    }
}
