package dev.berth.engine.image.archive;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Reference;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores and registers planned images. Every image's layers and blobs are stored first, and only when all
 * of them succeeded is any image registered, so a failing archive leaves no image (or name) behind. Blobs
 * and layers already stored stay: they are content-addressed, shared, and collected by image prune like
 * those of an interrupted pull.
 */
final class ImageLoader {
    private final ImageService images;
    private final LayerStorer layers;

    ImageLoader(ImageService images, ApplyOptions options, StagedArchive archive) {
        this.images = images;
        this.layers = new LayerStorer(images, options, archive);
    }

    /** Returns the lines docker load prints. */
    List<String> load(List<ImagePlan> plans) throws IOException {
        List<ImageRecord> records = new ArrayList<>();
        for (ImagePlan p : plans) {
            records.add(store(p));
        }
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            messages.addAll(register(records.get(i), plans.get(i)));
        }
        return messages;
    }

    private ImageRecord store(ImagePlan p) throws IOException {
        List<ImageRecord.Layer> stored = new ArrayList<>();
        for (ImagePlan.LayerSource s : p.layers()) {
            stored.add(layers.store(s));
        }
        Blobs.ingest(images.content(), p.id(), p.configFile().size(), p.configFile().path());
        ImagePlan.KnownManifest m = p.manifest();
        boolean keep = m != null && m.layerBlobs().equals(stored.stream().map(ImageRecord.Layer::blob).toList());
        if (keep) {
            Blobs.ingest(images.content(), m.digest(), m.file().size(), m.file().path());
            if (m.index() != null) {
                Blobs.ingest(images.content(), m.index(), m.indexFile().size(), m.indexFile().path());
            }
        }
        ImageConfig c = p.config();
        return new ImageRecord(p.id(), keep ? m.configMediaType() : configMediaType(stored),
                keep ? m.digest() : null, keep ? m.mediaType() : null, keep ? m.index() : null, stored, c.platform(),
                Blobs.created(c), size(stored), null);
    }

    /** Without a manifest to say, the config type follows the layers': Docker's unless any layer is OCI's. */
    private static String configMediaType(List<ImageRecord.Layer> stored) {
        boolean oci = stored.stream().anyMatch(l -> l.mediaType().startsWith("application/vnd.oci."));
        return oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG;
    }

    private long size(List<ImageRecord.Layer> stored) {
        long total = 0;
        for (ImageRecord.Layer l : stored) {
            total += images.snapshots().get(l.diffId()).map(Snapshot::size).orElse(0L);
        }
        return total;
    }

    /**
     * Names the image and says so as docker load does. An image already present keeps its record (a pulled
     * one keeps its manifest and index), only gaining the archive's tags, unless it had no manifest and the
     * archive brings one.
     */
    private List<String> register(ImageRecord loaded, ImagePlan p) throws IOException {
        Optional<ImageRecord> existing = images.store().get(loaded.id())
                .filter(e -> e.manifest() != null || loaded.manifest() == null);
        ImageRecord record = existing.orElse(loaded);
        List<String> messages = new ArrayList<>();
        for (Reference tag : p.tags()) {
            Optional<Digest> previous = images.store().lookup(tag);
            if (previous.isPresent() && !previous.get().equals(record.id())) {
                messages.add("The image " + tag.familiarString() + " already exists, renaming the old one with ID "
                        + previous.get() + " to empty string");
            }
            messages.add("Loaded image: " + tag.familiarString());
        }
        if (p.tags().isEmpty()) {
            messages.add("Loaded image ID: " + record.id());
        }
        images.register(record, p.tags());
        images.publish("load", record.id().toString(), attributes(record.id(), p.config()));
        return messages;
    }

    /** moby's image event attributes: the image's labels plus {@code name}. */
    static Map<String, String> attributes(Digest id, ImageConfig config) {
        Map<String, String> attrs = new HashMap<>();
        if (config != null && config.config() != null && config.config().labels() != null) {
            config.config().labels().forEach((k, v) -> {
                if (k != null && v != null) {
                    attrs.put(k, v);
                }
            });
        }
        attrs.put("name", id.toString());
        return attrs;
    }
}
