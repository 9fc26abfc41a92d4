package dev.berth.oci.maker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageMakerTest {
    @TempDir
    Path tmp;

    @Test
    void twoRunsGiveByteIdenticalManifests() throws IOException {
        Descriptor a = build(OciLayout.create(tmp.resolve("a")));
        Descriptor b = build(OciLayout.create(tmp.resolve("b")));
        assertEquals(a.digest(), b.digest());
        assertArrayEquals(OciLayout.open(tmp.resolve("a")).readBlob(a.digest()),
                OciLayout.open(tmp.resolve("b")).readBlob(b.digest()));
    }

    @Test
    void manifestConfigAndLayersAgree() throws IOException {
        OciLayout layout = OciLayout.create(tmp.resolve("img"));
        Descriptor d = build(layout);
        ImageManifest m = Json.read(layout.readBlob(d.digest()), ImageManifest.class);
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
        byte[] configBytes = layout.readBlob(m.config().digest());
        assertEquals(Digest.sha256(configBytes), m.config().digest(), "config blob is content-addressed");
        ImageConfig config = Json.read(configBytes, ImageConfig.class);
        assertEquals(List.of("sh"), config.config().cmd());
        assertEquals(2, m.layers().size());
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor layer = m.layers().get(i);
            byte[] blob = layout.readBlob(layer.digest());
            assertEquals(layer.size(), blob.length);
            assertEquals(Digest.sha256(blob), layer.digest());
            byte[] tar = new GZIPInputStream(new java.io.ByteArrayInputStream(blob)).readAllBytes();
            assertEquals(config.diffIds().get(i), Digest.sha256(tar), "diff id is the digest of the uncompressed tar");
        }
    }

    @Test
    void layersListParentsFirstAndCarryWhiteouts() throws IOException {
        OciLayout layout = OciLayout.create(tmp.resolve("wh"));
        ImageMaker maker = new ImageMaker(layout);
        ImageMaker.Layer l = maker.layer(LayerSpec.named("upper").whiteout("data/gone").opaque("opaque")
                .file("opaque/c", 0644, "c".getBytes()), ImageMaker.Format.OCI);
        List<String> names = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(layout.openBlob(l.blob().digest()));
                TarReader r = new TarReader(in)) {
            for (TarEntry e = r.next(); e != null; e = r.next()) {
                names.add(e.name());
            }
        }
        assertEquals(List.of("data/", "data/.wh.gone", "opaque/", "opaque/.wh..wh..opq", "opaque/c"), names);
    }

    private static Descriptor build(OciLayout layout) throws IOException {
        ImageMaker maker = new ImageMaker(layout);
        ImageMaker.Layer base = maker.layer(LayerSpec.named("base").file("bin/tool", 0755, "#!x".getBytes())
                .symlink("bin/sh", "tool"), ImageMaker.Format.DOCKER);
        ImageMaker.Layer data = maker.layer(LayerSpec.named("data").randomFile("data/blob", 100_000, 42),
                ImageMaker.Format.DOCKER);
        Descriptor d = maker.image(Platform.of("linux", "amd64"), ImageMaker.Format.DOCKER, List.of(base, data),
                RuntimeConfig.empty().withCmd(List.of("sh")));
        assertTrue(layout.hasBlob(d.digest()));
        return d;
    }
}
