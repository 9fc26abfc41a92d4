package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Reference;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code docker import}: one root filesystem tar becomes a one-layer image for this machine's platform.
 * The diff ID is only known once the whole stream is read, and the snapshot store needs it before it
 * unpacks, so the input is first gzipped to staging (hashing the tar on the way, which also gives the blob
 * the content store keeps), then unpacked from that copy.
 */
final class RootfsImporter {
    static final String DEFAULT_MESSAGE = "Imported from -";

    private final ImageService images;
    private final ApplyOptions options;
    private final Path staging;

    RootfsImporter(ImageService images, ApplyOptions options, Path staging) {
        this.images = images;
        this.options = options;
        this.staging = staging;
    }

    Digest importRootfs(InputStream tar, List<String> changes, String message, Reference tag) throws IOException {
        RuntimeConfig runtime = ChangeInstructions.apply(RuntimeConfig.empty(), changes);
        Reference name = tagName(tag);
        String comment = message == null || message.isEmpty() ? DEFAULT_MESSAGE : message;
        Files.createDirectories(staging);
        Path dir = Files.createTempDirectory(staging, "import-");
        try {
            Codecs.GzipFile gz = new Codecs.GzipFile(dir.resolve("layer.tar.gz"));
            Digest diffId;
            try (gz) {
                diffId = copyHashing(tar, gz);
            }
            Snapshot snapshot;
            try (InputStream in = Decompress.open(Files.newInputStream(gz.path()))) {
                snapshot = images.snapshots().unpack(diffId, in, options,
                        () -> Blobs.ingest(images.content(), gz.digest(), gz.size(), gz.path()));
            }
            Blobs.ingest(images.content(), gz.digest(), gz.size(), gz.path()); // if the layer existed already
            ImageRecord.Layer layer = new ImageRecord.Layer(gz.digest(), MediaTypes.DOCKER_LAYER_GZIP, gz.size(),
                    diffId);
            return register(layer, snapshot, runtime, comment, name);
        } catch (ArchiveException e) {
            throw new InvalidArgumentException("invalid root filesystem archive: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    private Digest register(ImageRecord.Layer layer, Snapshot snapshot, RuntimeConfig runtime, String comment,
            Reference name) throws IOException {
        Instant now = Instant.now();
        Platform p = Platform.host();
        byte[] config = Json.write(new ImportConfig(p.architecture(), comment, runtime, now.toString(),
                List.of(new ImageConfig.History(now.toString(), null, null, comment, null)), p.os(),
                new ImageConfig.RootFs("layers", List.of(layer.diffId())), p.variant()));
        Digest id = Digest.sha256(config);
        Blobs.ingest(images.content(), id, config);
        ImageRecord record = new ImageRecord(id, MediaTypes.DOCKER_CONFIG, null, null, null, List.of(layer), p, now,
                snapshot.size(), null);
        images.register(record, name == null ? List.of() : List.of(name));
        if (name != null) {
            images.publish("tag", id.toString(), Map.of("name", name.familiarString()));
        }
        images.publish("import", id.toString(), Map.of("name", id.toString()));
        return id;
    }

    /** Decompresses {@code in} into {@code gz}, returning the sha256 of the tar: the layer's diff ID. */
    private Digest copyHashing(InputStream in, Codecs.GzipFile gz) throws IOException {
        var sha = Digest.newSha256();
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream tar = Decompress.open(Codecs.shielded(in))) {
            for (int n; (n = tar.read(buf)) > 0; ) {
                total += n;
                if (total > options.maxBytes()) {
                    throw new ArchiveException("root filesystem expands to more than " + options.maxBytes() + " bytes");
                }
                sha.update(buf, 0, n);
                gz.write(buf, 0, n);
            }
        }
        return Digest.fromSha256(sha.digest());
    }

    /** {@code repo} means {@code repo:latest}; a digest cannot name a new image. */
    private static Reference tagName(Reference tag) {
        if (tag == null) {
            return null;
        }
        if (tag.digest() != null) {
            throw new InvalidArgumentException("cannot import digest reference " + tag.familiarString());
        }
        return tag.tag() == null ? tag.withTag(Reference.DEFAULT_TAG) : tag;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
