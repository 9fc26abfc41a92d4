package dev.berth.engine.image;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.os.Trees;
import dev.berth.engine.store.content.IngestWriter;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.Platform;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.maker.HelloWorld;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Images present from the first start, with no network: {@code hello-world}, made by the same image maker
 * as the test fixtures, so it has the same ID and digest as the fixture registry's copy.
 */
public final class BuiltinImages {
    public static final Reference HELLO_WORLD = Reference.parseWithDefaultTag("hello-world");

    private BuiltinImages() {}

    /** Adds hello-world unless a {@code hello-world:latest} exists (the user may have pulled another). */
    public static void ensureHelloWorld(ImageService images, Path staging, ApplyOptions options) throws IOException {
        if (images.store().lookup(HELLO_WORLD).isPresent()) {
            return;
        }
        Path dir = staging.resolve("builtin-" + UUID.randomUUID());
        try {
            OciLayout layout = OciLayout.create(dir);
            Descriptor indexDesc = HelloWorld.build(layout);
            ImageIndex index = Json.read(layout.readBlob(indexDesc.digest()), ImageIndex.class);
            Platform host = Platform.host();
            Descriptor chosen = index.manifests().stream().filter(d -> host.matches(d.platform())).findFirst()
                    .orElseThrow(() -> new IOException("hello-world has no build for " + host));
            ImageManifest manifest = Json.read(layout.readBlob(chosen.digest()), ImageManifest.class);
            ImageConfig config = Json.read(layout.readBlob(manifest.config().digest()), ImageConfig.class);
            for (Descriptor d : List.of(indexDesc, chosen, manifest.config())) {
                copyBlob(images, layout, d);
            }
            List<ImageRecord.Layer> layers = new ArrayList<>();
            long size = 0;
            for (int i = 0; i < manifest.layers().size(); i++) {
                Descriptor l = manifest.layers().get(i);
                Digest diffId = config.diffIds().get(i);
                copyBlob(images, layout, l);
                size += unpack(images.snapshots(), layout, l, diffId, options);
                layers.add(new ImageRecord.Layer(l.digest(), l.mediaType(), l.size(), diffId));
            }
            ImageRecord record = new ImageRecord(manifest.config().digest(), manifest.config().mediaType(),
                    chosen.digest(), chosen.mediaType(), indexDesc.digest(), layers, config.platform(),
                    Instant.parse(config.created()), size, null);
            images.register(record, List.of(HELLO_WORLD, HELLO_WORLD.withTag(null).withDigest(indexDesc.digest())));
        } finally {
            Trees.delete(dir);
        }
    }

    private static long unpack(SnapshotStore snapshots, OciLayout layout, Descriptor layer, Digest diffId,
            ApplyOptions options) throws IOException {
        try (InputStream in = layout.openBlob(layer.digest())) {
            return snapshots.unpack(diffId, Decompress.open(in), options).size();
        }
    }

    private static void copyBlob(ImageService images, OciLayout layout, Descriptor d) throws IOException {
        if (images.content().info(d.digest()).isPresent()) {
            return;
        }
        try (IngestWriter w = images.content().writer("builtin-" + d.digest(), d.digest(), d.size());
                InputStream in = layout.openBlob(d.digest())) {
            in.transferTo(w.stream());
            w.commit();
        }
    }
}
