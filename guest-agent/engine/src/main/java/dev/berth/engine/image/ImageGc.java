package dev.berth.engine.image;

import dev.berth.engine.store.content.BlobInfo;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage collection: deletes blobs and layers no image references, none is leased and no container holds.
 * Mark and sweep over the in-memory image records; runs after removals and once at start.
 */
public final class ImageGc {
    private static final Logger log = LoggerFactory.getLogger(ImageGc.class);

    private final ImageService images;
    private final Leases leases;
    private final Supplier<Set<Digest>> heldLayers;

    /** @param heldLayers diff IDs that containers' root filesystems stack on (kept even if their image is gone) */
    public ImageGc(ImageService images, Leases leases, Supplier<Set<Digest>> heldLayers) {
        this.images = images;
        this.leases = leases;
        this.heldLayers = heldLayers;
    }

    /** Returns the bytes reclaimed (layer content plus blob files). */
    public synchronized long collect() throws IOException {
        Set<Digest> blobs = new HashSet<>();
        Set<Digest> layers = new HashSet<>(heldLayers.get());
        for (ImageRecord r : images.all()) {
            blobs.add(r.id());
            if (r.manifest() != null) {
                blobs.add(r.manifest());
            }
            if (r.index() != null) {
                blobs.add(r.index());
            }
            for (ImageRecord.Layer l : r.layers()) {
                blobs.add(l.blob());
                layers.add(l.diffId());
            }
        }
        long reclaimed = 0;
        for (Snapshot s : images.snapshots().all()) {
            if (!layers.contains(s.diffId()) && !leases.isLeased(s.diffId())) {
                images.snapshots().remove(s.diffId());
                reclaimed += s.size();
            }
        }
        for (BlobInfo b : images.content().list()) {
            if (!blobs.contains(b.digest()) && !leases.isLeased(b.digest())) {
                images.content().delete(b.digest());
                reclaimed += b.size();
            }
        }
        if (reclaimed > 0) {
            log.info("garbage collection reclaimed {} bytes", reclaimed);
        }
        return reclaimed;
    }
}
