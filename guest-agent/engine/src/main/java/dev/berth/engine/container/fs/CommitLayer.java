package dev.berth.engine.container.fs;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.engine.store.content.IngestWriter;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import dev.berth.oci.HashingOutputStream;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.tar.TarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The layer of a commit, in two steps so that every digest is known before anything becomes visible:
 * {@link #write} tars the writable layer once, hashing the tar (the diff ID) and gzipping it to a staging
 * file (hashing that too: the blob digest); {@link #store} then unpacks that file into the snapshot store
 * (which checks the diff ID again and converts the OCI whiteouts back to overlayfs ones) and commits the
 * blob to the content store before the layer is published, as {@code docker load} and {@code import} do.
 * Gzip level 1 and a header without a timestamp, like the image domain's: the same changes give the same
 * blob.
 */
record CommitLayer(Path file, Digest diffId, Digest blob, long blobSize) {
    /** The diff ID of a layer without members (1024 zero bytes): dockerd does not add such a layer. */
    static final Digest EMPTY_TAR = Digest.sha256(new byte[1024]);

    boolean isEmpty() {
        return diffId.equals(EMPTY_TAR);
    }

    static CommitLayer write(Path upper, Set<String> hidden, Path staging, String container) throws IOException {
        Files.createDirectories(staging);
        Path file = staging.resolve("commit-" + UUID.randomUUID() + ".tar.gz");
        try {
            HashingOutputStream compressed = new HashingOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16));
            GZIPOutputStream gzip = new GZIPOutputStream(compressed, 1 << 16) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            HashingOutputStream tar = new HashingOutputStream(gzip);
            try (gzip) {
                TarWriter writer = new TarWriter(tar);
                if (Files.isDirectory(upper)) {
                    LayerTar.write(upper, hidden, writer, container);
                }
                writer.finish();
            }
            return new CommitLayer(file, tar.digest(), compressed.digest(), compressed.count());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Unpacks the layer as a snapshot and stores its blob; returns the snapshot (an existing one if shared). */
    Snapshot store(ImageService images, ApplyOptions options) throws IOException {
        Snapshot s;
        try (InputStream in = Decompress.open(Files.newInputStream(file))) {
            s = images.snapshots().unpack(diffId, in, options, () -> ingest(images.content(), blob, blobSize, file));
        }
        ingest(images.content(), blob, blobSize, file); // the snapshot existed already: the blob may not
        return s;
    }

    ImageRecord.Layer record() {
        return new ImageRecord.Layer(blob, MediaTypes.DOCKER_LAYER_GZIP, blobSize, diffId);
    }

    /** Copies {@code source} into the content store as {@code digest}, unless it is there already. */
    static void ingest(ContentStore content, Digest digest, long size, Path source) throws IOException {
        if (content.info(digest).isPresent()) {
            return;
        }
        try (InputStream in = Files.newInputStream(source)) {
            ingest(content, digest, size, in);
        }
    }

    static void ingest(ContentStore content, Digest digest, long size, InputStream in) throws IOException {
        if (content.info(digest).isPresent()) {
            return;
        }
        IngestWriter w = content.writer("commit-" + digest.hex() + "-" + UUID.randomUUID(), digest, size);
        try {
            in.transferTo(w.stream());
            w.commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        } finally {
            w.close();
        }
    }
}
