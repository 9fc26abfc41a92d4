package dev.berth.engine.image;

import dev.berth.oci.Digest;
import dev.berth.oci.Platform;
import java.time.Instant;
import java.util.List;

/**
 * What the engine knows about one image, keyed by its ID (the config blob's digest, as Docker's image IDs
 * are). The config, manifest and index blobs themselves live in the content store.
 *
 * @param manifest      digest of the platform manifest; null for images that never had one (import, commit)
 * @param index         digest of the index the manifest was chosen from, or null
 * @param layers        bottom first
 * @param size          bytes of file content across all layers
 */
public record ImageRecord(
        Digest id,
        String configMediaType,
        Digest manifest,
        String manifestMediaType,
        Digest index,
        List<Layer> layers,
        Platform platform,
        Instant created,
        long size,
        Instant lastTagTime) {

    /** One layer: the compressed blob as distributed, and the digest of its uncompressed tar. */
    public record Layer(Digest blob, String mediaType, long blobSize, Digest diffId) {}

    public ImageRecord {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    public List<Digest> diffIds() {
        return layers.stream().map(Layer::diffId).toList();
    }

    public ImageRecord withLastTagTime(Instant t) {
        return new ImageRecord(id, configMediaType, manifest, manifestMediaType, index, layers, platform, created,
                size, t);
    }
}
