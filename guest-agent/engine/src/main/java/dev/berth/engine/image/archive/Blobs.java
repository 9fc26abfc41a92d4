package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.engine.store.content.IngestWriter;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Content-store and config helpers shared by load and import. */
final class Blobs {
    private Blobs() {}

    /**
     * Copies a file into the content store as blob {@code digest} unless it is there already. The store
     * verifies digest and size on commit. The ingest ref is unique per call, so concurrent loads of one blob
     * never block on each other's writer lock; the loser's commit just finds the blob present.
     */
    static void ingest(ContentStore content, Digest digest, long size, Path file) throws IOException {
        if (content.info(digest).isPresent()) {
            return;
        }
        try (IngestWriter w = content.writer("archive-" + digest + "-" + UUID.randomUUID(), digest, size);
                InputStream in = Files.newInputStream(file)) {
            in.transferTo(w.stream());
            w.commit();
        }
    }

    static void ingest(ContentStore content, Digest digest, byte[] data) throws IOException {
        if (content.info(digest).isPresent()) {
            return;
        }
        try (IngestWriter w = content.writer("archive-" + digest + "-" + UUID.randomUUID(), digest, data.length)) {
            w.stream().write(data);
            w.commit();
        }
    }

    /** Parses a config and checks it can describe a runnable Linux image with {@code layerCount} layers. */
    static ImageConfig config(byte[] json, String name, int layerCount) {
        ImageConfig c;
        try {
            c = Json.read(json, ImageConfig.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("invalid image config " + name + ": " + e.getMessage());
        }
        if (c == null) {
            throw new InvalidArgumentException("invalid image config " + name + ": null");
        }
        if (c.os() != null && !c.os().isEmpty() && !c.os().equals("linux")) {
            throw new InvalidArgumentException("cannot load " + c.os() + " image " + name + " on linux");
        }
        List<Digest> diffIds = c.diffIds();
        if (diffIds.size() != layerCount) {
            throw new InvalidArgumentException("invalid manifest, layers length mismatch: expected " + layerCount
                    + ", got " + diffIds.size() + " (config " + name + ")");
        }
        return c;
    }

    /** Refuses images deeper than overlayfs can mount, before any layer is looked at. */
    static void checkLayerCount(int count, String name) {
        if (count > ArchiveLimits.MAX_LAYERS) {
            throw new InvalidArgumentException("image " + name + " has " + count + " layers; max depth exceeded ("
                    + ArchiveLimits.MAX_LAYERS + ")");
        }
    }

    /**
     * A layer file with the diff ID its config gives it. An uncompressed file's sha256 is its diff ID, so a
     * mismatch is caught here, before anything is unpacked; compressed files are checked while unpacking.
     */
    static ImagePlan.LayerSource layer(StagedFile f, Digest diffId, String mediaType) {
        if (f.codec() == dev.berth.engine.archive.Decompress.Codec.NONE && !f.sha256().equals(diffId)) {
            throw new InvalidArgumentException("layer " + f.name() + " does not match its diff ID: the config says "
                    + diffId + ", the content hashes to " + f.sha256());
        }
        return new ImagePlan.LayerSource(f, diffId, mediaType);
    }

    /** The config's creation time, or null when absent or unparsable (as pulls record it). */
    static Instant created(ImageConfig c) {
        try {
            return c.created() == null ? null : Instant.parse(c.created());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
