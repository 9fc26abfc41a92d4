package dev.berth.oci.maker;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.HashingOutputStream;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Builds container images from local files into an {@link OciLayout}. Everything that could vary between
 * runs is fixed (timestamps, owners, entry order, gzip header), so two runs give byte-identical blobs and
 * manifests. Used for the test fixtures and for the engine's built-in {@code hello-world}.
 */
public final class ImageMaker {

    /** Which manifest family to write: Docker schema 2 or OCI. */
    public enum Format {
        DOCKER(MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_CONFIG, MediaTypes.DOCKER_LAYER_GZIP,
                MediaTypes.DOCKER_MANIFEST_LIST),
        OCI(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_INDEX);

        final String manifest;
        final String config;
        final String gzipLayer;
        final String index;

        Format(String manifest, String config, String gzipLayer, String index) {
            this.manifest = manifest;
            this.config = config;
            this.gzipLayer = gzipLayer;
            this.index = index;
        }
    }

    /** A written layer: its blob and the digest of its uncompressed tar. */
    public record Layer(Descriptor blob, Digest diffId, String createdBy) {}

    /** 2024-01-01T00:00:00Z: the fixed creation time of everything the maker writes. */
    public static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    private final OciLayout layout;
    private final int gzipLevel;

    public ImageMaker(OciLayout layout) {
        this(layout, Deflater.DEFAULT_COMPRESSION);
    }

    /** {@code gzipLevel} trades speed for size; incompressible test data is best written at level 1. */
    public ImageMaker(OciLayout layout, int gzipLevel) {
        this.layout = layout;
        this.gzipLevel = gzipLevel;
    }

    public Layer layer(LayerSpec spec, Format format) throws IOException {
        try (OciLayout.BlobWriter blob = layout.newBlob(format.gzipLayer)) {
            HashingOutputStream tarHash;
            try (GZIPOutputStream gz = new LevelGzip(blob, gzipLevel)) {
                tarHash = new HashingOutputStream(gz);
                writeTar(spec, tarHash);
            }
            return new Layer(blob.commit(), tarHash.digest(), spec.description());
        }
    }

    /** Writes the config and manifest of a single-platform image; returns the manifest's descriptor. */
    public Descriptor image(Platform platform, Format format, List<Layer> layers, RuntimeConfig runtime)
            throws IOException {
        List<ImageConfig.History> history = new ArrayList<>();
        for (Layer l : layers) {
            history.add(new ImageConfig.History(EPOCH.toString(), l.createdBy(), null, null, null));
        }
        ImageConfig config = new ImageConfig(EPOCH.toString(), null, platform.architecture(), platform.os(), null,
                platform.variant(), runtime, new ImageConfig.RootFs("layers",
                        layers.stream().map(Layer::diffId).toList()), history);
        Descriptor configBlob = layout.putBlob(format.config, Json.write(config));
        ImageManifest manifest = new ImageManifest(2, format.manifest, configBlob,
                layers.stream().map(Layer::blob).toList(), null);
        return layout.putBlob(format.manifest, Json.write(manifest)).withPlatform(platform);
    }

    /** Writes a multi-platform index over manifests returned by {@link #image}. */
    public Descriptor index(Format format, List<Descriptor> manifests) throws IOException {
        ImageIndex index = new ImageIndex(2, format.index, manifests, null);
        return layout.putBlob(format.index, Json.write(index));
    }

    private static void writeTar(LayerSpec spec, OutputStream out) throws IOException {
        TarWriter tar = new TarWriter(out);
        long mtime = EPOCH.getEpochSecond();
        for (Map.Entry<String, LayerSpec.Node> e : spec.entries().entrySet()) {
            LayerSpec.Node n = e.getValue();
            String name = n.type() == TarEntry.Type.DIRECTORY ? e.getKey() + "/" : e.getKey();
            TarEntry entry = new TarEntry(name, n.type(), n.mode(), 0, 0, n.size(), mtime, n.link(), "", "", 0, 0,
                    spec.xattrsOf(e.getKey()));
            if (n.content() == null) {
                tar.write(entry, (InputStream) null);
            } else {
                try (InputStream in = n.content().get()) {
                    tar.write(entry, in);
                }
            }
        }
        tar.finish();
    }

    /** The JDK's gzip stream with a chosen level; its header has no timestamp, so output is reproducible. */
    private static final class LevelGzip extends GZIPOutputStream {
        LevelGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }

        @Override
        public void close() throws IOException {
            // Finish the gzip trailer but keep the blob writer open: the caller commits it.
            finish();
            def.end();
        }
    }
}
