package dev.berth.engine.image.pull;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.archive.NoSpaceException;
import dev.berth.engine.errors.DiskFullException;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.progress.ProgressStream;
import dev.berth.engine.image.registry.RepositorySession;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.engine.store.content.IngestWriter;
import dev.berth.engine.store.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets one layer onto disk: downloads the blob while unpacking it in the same pass (the bytes go to the
 * content store and through the decompressor at once), verifies the diff ID and the blob digest, then
 * publishes both. A cut connection is retried from where the kept bytes end (HTTP Range); only transient
 * failures are retried.
 */
final class LayerFetch {
    private static final Logger log = LoggerFactory.getLogger(LayerFetch.class);

    private final RepositorySession session;
    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final PullSettings settings;
    private final ImageRecord.Layer layer;
    private final ProgressStream progress;
    private final String id;
    private final java.util.function.BooleanSupplier cancelled;
    /** Where the current attempt's download started: above 0 means it resumed kept bytes. */
    private long resumedFrom;

    LayerFetch(RepositorySession session, ContentStore content, SnapshotStore snapshots, PullSettings settings,
            ImageRecord.Layer layer, ProgressStream progress, java.util.function.BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        this.session = session;
        this.content = content;
        this.snapshots = snapshots;
        this.settings = settings;
        this.layer = layer;
        this.progress = progress;
        this.id = layer.blob().shortHex();
    }

    void run() throws IOException, InterruptedException {
        boolean freshRetryUsed = false;
        for (int attempt = 1; ; attempt++) {
            resumedFrom = 0;
            checkCancelled();
            try {
                attempt();
                progress.progress(id, "Extracting", layer.blobSize(), layer.blobSize());
                progress.layer(id, "Pull complete");
                return;
            } catch (InvalidArgumentException e) {
                // A digest mismatch after a resume may come from bad kept bytes: the ingest was discarded by
                // the failed commit, so one fresh download is worth it. Otherwise the content is wrong.
                if (resumedFrom > 0 && !freshRetryUsed && e.getMessage().contains("digest mismatch")) {
                    freshRetryUsed = true;
                    continue;
                }
                throw new InvalidArgumentException("filesystem layer verification failed for digest "
                        + layer.blob() + ": " + e.getMessage());
            } catch (ArchiveException e) {
                throw new InvalidArgumentException("invalid layer " + layer.blob() + ": " + e.getMessage());
            } catch (NoSpaceException e) {
                throw new DiskFullException(e.getMessage() + " (pulling layer " + layer.blob() + ")");
            } catch (UnavailableException | IOException e) {
                if (DiskFullException.isNoSpace(e)) {
                    throw new DiskFullException("no space left on device while downloading layer " + layer.blob());
                }
                if (attempt >= settings.attempts()) {
                    throw e instanceof EngineException ee ? ee
                            : new UnavailableException("download of layer " + layer.blob() + " failed after "
                                    + attempt + " attempts: " + e.getMessage());
                }
                long delay = settings.retryDelay().toMillis() * attempt;
                log.info("layer {} attempt {} failed ({}); retrying in {} ms", layer.blob(), attempt, e.toString(), delay);
                log.debug("layer {} attempt {} failure", layer.blob(), attempt, e);
                progress.layer(id, "Retrying in " + Math.max(1, delay / 1000) + " second" + (delay / 1000 > 1 ? "s" : ""));
                Thread.sleep(delay);
            }
        }
    }

    /** One try; records in {@link #resumedFrom} where its download started. */
    private void attempt() throws IOException {
        ApplyOptions opts = ApplyOptions.layer(settings.maxLayerBytes(), settings.freeSpaceReserve());
        if (content.info(layer.blob()).isPresent()) {
            // The blob was kept by an earlier attempt whose unpack failed: no download needed.
            progress.layer(id, "Extracting");
            try (InputStream blob = content.open(layer.blob())) {
                snapshots.unpack(layer.diffId(), Decompress.open(blob), opts);
            }
            return;
        }
        try (IngestWriter w = content.writer("layer-" + layer.blob(), layer.blob(), layer.blobSize())) {
            long offset = w.offset();
            try (RepositorySession.BlobResponse r = session.openBlob(layer.blob(), offset)) {
                if (offset > 0 && r.startOffset() == 0) {
                    w.reset(); // the server ignored our Range: it sends the whole blob again
                    offset = 0;
                }
                resumedFrom = offset;
                InputStream kept = offset > 0 ? w.readWritten() : InputStream.nullInputStream();
                CountingStream network = new CountingStream(r.body(), w.stream(), offset, n -> {
                    checkCancelled();
                    progressQuietly(n);
                });
                InputStream whole = new SequenceInputStream(kept, network);
                snapshots.unpack(layer.diffId(), Decompress.open(whole), opts, () -> {
                    network.drain();
                    progress.layer(id, "Verifying Checksum");
                    w.commit();
                    progress.layer(id, "Download complete");
                });
            }
        }
    }

    /** Another layer of this pull failed: stop (keeping what was downloaded, for the next attempt). */
    private void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new CancelledException();
        }
    }

    /** Unchecked so it can leave the progress callback; never retried. */
    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled: another layer of this pull failed");
        }
    }

    private void progressQuietly(long bytes) {
        try {
            progress.progress(id, "Downloading", bytes, layer.blobSize());
        } catch (IOException clientGone) {
            // The client closed its connection: finishing the download still serves the next pull.
        }
    }

    /** Drops the kept bytes of this layer's download (a full disk needs the space back now). */
    void discardIngest() {
        try (IngestWriter w = content.writer("layer-" + layer.blob(), layer.blob(), layer.blobSize())) {
            w.abort();
        } catch (IOException | RuntimeException e) {
            log.warn("could not discard the partial download of {}: {}", layer.blob(), e.toString());
        }
    }
}
