package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts one layer of a loaded archive into the stores: its unpacked tree into the snapshot store (which
 * verifies the diff ID and applies whiteouts and the extraction safety rules) and a compressed blob into the
 * content store. A compressed file is kept as it is; an uncompressed one is gzipped while it is unpacked,
 * in the same read, so later pushes send Docker's gzip media type and the store holds no uncompressed copy.
 * A (blob, diff ID) pair is trusted without re-reading only if some image already records it: an archive
 * could otherwise pair a blob already stored with the diff ID of another stored layer.
 */
final class LayerStorer {
    private final ImageService images;
    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final ApplyOptions options;
    private final StagedArchive archive;

    LayerStorer(ImageService images, ApplyOptions options, StagedArchive archive) {
        this.images = images;
        this.content = images.content();
        this.snapshots = images.snapshots();
        this.options = options;
        this.archive = archive;
    }

    ImageRecord.Layer store(ImagePlan.LayerSource s) throws IOException {
        try {
            return s.file().codec() == Decompress.Codec.NONE ? storePlain(s) : storeCompressed(s);
        } catch (ArchiveException e) {
            throw new InvalidArgumentException("invalid layer " + s.file().name() + ": " + e.getMessage(), e);
        }
    }

    private ImageRecord.Layer storeCompressed(ImagePlan.LayerSource s) throws IOException {
        StagedFile f = s.file();
        ImageRecord.Layer layer = new ImageRecord.Layer(f.sha256(), Codecs.layerMediaType(s.mediaType(), f.codec()),
                f.size(), s.diffId());
        if (snapshots.get(s.diffId()).isPresent() && content.info(f.sha256()).isPresent()
                && recorded(f.sha256(), s.diffId())) {
            return layer;
        }
        AtomicBoolean unpackedHere = new AtomicBoolean();
        if (snapshots.get(s.diffId()).isEmpty()) {
            try (InputStream in = Decompress.open(f.open())) {
                snapshots.unpack(s.diffId(), in, options, () -> {
                    Blobs.ingest(content, f.sha256(), f.size(), f.path());
                    unpackedHere.set(true);
                });
            }
        }
        if (!unpackedHere.get()) {
            // The layer was unpacked before (or by a concurrent load), so this blob's content is unverified.
            verifyDiffId(f, s.diffId());
            Blobs.ingest(content, f.sha256(), f.size(), f.path());
        }
        return layer;
    }

    private ImageRecord.Layer storePlain(ImagePlan.LayerSource s) throws IOException {
        StagedFile f = s.file();
        if (!f.sha256().equals(s.diffId())) {
            throw new InvalidArgumentException("layer " + f.name() + " does not match its diff ID " + s.diffId());
        }
        Optional<ImageRecord.Layer> stored = storedBlobFor(s.diffId());
        if (stored.isPresent()) {
            if (snapshots.get(s.diffId()).isEmpty()) {
                try (InputStream in = f.open()) {
                    snapshots.unpack(s.diffId(), in, options);
                }
            }
            return stored.get();
        }
        Codecs.GzipFile gz = snapshots.get(s.diffId()).isEmpty() ? unpackAndCompress(s) : null;
        if (gz == null || !gz.finished()) {
            // The snapshot existed, or a concurrent unpack did the work: compress in a pass of our own.
            discard(gz);
            gz = compress(f);
        }
        try {
            Blobs.ingest(content, gz.digest(), gz.size(), gz.path());
            return new ImageRecord.Layer(gz.digest(), MediaTypes.DOCKER_LAYER_GZIP, gz.size(), s.diffId());
        } finally {
            discard(gz);
        }
    }

    /** Unpacks the plain layer and gzips it in the same read; the blob is stored before the layer is published. */
    private Codecs.GzipFile unpackAndCompress(ImagePlan.LayerSource s) throws IOException {
        Codecs.GzipFile gz = new Codecs.GzipFile(archive.newFile());
        try (InputStream tee = new Codecs.TeeInputStream(s.file().open(), gz)) {
            snapshots.unpack(s.diffId(), tee, options, () -> {
                tee.transferTo(OutputStream.nullOutputStream()); // whatever the unpacker left unread
                gz.close();
                Blobs.ingest(content, gz.digest(), gz.size(), gz.path());
            });
            return gz;
        } catch (IOException | RuntimeException e) {
            discard(gz);
            throw e;
        }
    }

    private Codecs.GzipFile compress(StagedFile f) throws IOException {
        Codecs.GzipFile gz = new Codecs.GzipFile(archive.newFile());
        try (InputStream in = f.open()) {
            in.transferTo(gz);
            gz.close();
            return gz;
        } catch (IOException | RuntimeException e) {
            discard(gz);
            throw e;
        }
    }

    private static void discard(Codecs.GzipFile gz) throws IOException {
        if (gz != null) {
            gz.close();
            Files.deleteIfExists(gz.path());
        }
    }

    /** True if an image already pairs {@code blob} with {@code diffId}: that pair was verified when stored. */
    private boolean recorded(Digest blob, Digest diffId) {
        return images.all().stream().flatMap(r -> r.layers().stream())
                .anyMatch(l -> l.blob().equals(blob) && l.diffId().equals(diffId));
    }

    /** A stored compressed blob some image already uses for this diff ID: reusing it saves a gzip pass. */
    private Optional<ImageRecord.Layer> storedBlobFor(Digest diffId) {
        return images.all().stream().flatMap(r -> r.layers().stream())
                .filter(l -> l.diffId().equals(diffId) && content.info(l.blob()).isPresent())
                .findFirst();
    }

    /** Decompresses {@code f} to check its diff ID without unpacking it; bounded like an unpack. */
    private void verifyDiffId(StagedFile f, Digest diffId) throws IOException {
        var hasher = diffId.newHasher();
        long total;
        try (InputStream in = Decompress.open(f.open());
                OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), hasher)) {
            byte[] buf = new byte[1 << 16];
            total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > options.maxBytes()) {
                    throw new ArchiveException("layer expands to more than " + options.maxBytes() + " bytes");
                }
                sink.write(buf, 0, n);
            }
        }
        String actual = diffId.algorithm() + ":" + HexFormat.of().formatHex(hasher.digest());
        if (!actual.equals(diffId.toString())) {
            throw new InvalidArgumentException("layer " + f.name() + " does not match its diff ID: expected " + diffId
                    + ", got " + actual);
        }
    }
}
