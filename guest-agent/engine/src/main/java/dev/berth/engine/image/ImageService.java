package dev.berth.engine.image;

import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.events.Event;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.store.content.ContentStore;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image domain's entry point: name resolution, registration of new images, tags, and access to the
 * stores behind them. Removal and pruning live in {@link ImageRemover}; pulling in the pull package.
 */
public final class ImageService {
    private static final Logger log = LoggerFactory.getLogger(ImageService.class);

    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final ImageStore images;
    private final EventBus events;
    private final Map<Digest, ImageConfig> configs = new ConcurrentHashMap<>();

    public ImageService(ContentStore content, SnapshotStore snapshots, ImageStore images, EventBus events) {
        this.content = content;
        this.snapshots = snapshots;
        this.images = images;
        this.events = events;
    }

    public ContentStore content() {
        return content;
    }

    public SnapshotStore snapshots() {
        return snapshots;
    }

    public ImageStore store() {
        return images;
    }

    public EventBus events() {
        return events;
    }

    /**
     * Finds an image the way Docker does: as a reference ({@code busybox} means {@code busybox:latest},
     * {@code repo@sha256:...} by digest), then as a full or unique-prefix image ID.
     */
    public Optional<ImageRecord> find(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        try {
            Reference ref = Reference.parseWithDefaultTag(name);
            Optional<ImageRecord> byRef = images.lookup(ref).flatMap(images::get);
            if (byRef.isPresent()) {
                return byRef;
            }
        } catch (RuntimeException notAReference) {
            // IDs such as sha256:abc are not valid references; fall through
        }
        return images.findById(name);
    }

    public ImageRecord resolve(String name) {
        return find(name).orElseThrow(() -> new NotFoundException("No such image: " + displayName(name)));
    }

    /** How Docker names a missing image in errors: {@code busybox:latest}, or the ID as given. */
    static String displayName(String name) {
        try {
            return Reference.parseWithDefaultTag(name).familiarString();
        } catch (RuntimeException e) {
            return name;
        }
    }

    /** The parsed config of an image (cached: configs never change, their digest is the image ID). */
    public ImageConfig config(ImageRecord r) throws IOException {
        return config(r.id());
    }

    /** The parsed config blob {@code id} (which must be in the content store). */
    public ImageConfig config(Digest id) throws IOException {
        ImageConfig c = configs.get(id);
        if (c == null) {
            c = parseConfig(id, content.read(id, ImageLimits.MAX_CONFIG));
            configs.put(id, c);
        }
        return c;
    }

    /**
     * Checks a config blob against its digest before use: a damaged file on disk must give a clear error,
     * not a container built from a wrong command or environment.
     */
    private static ImageConfig parseConfig(Digest id, byte[] blob) {
        if (!Digest.sha256(blob).equals(id)) {
            throw new SystemException("the config of image " + id + " is damaged on disk (its content no longer "
                    + "matches its digest); remove the image and pull it again");
        }
        try {
            return Json.read(blob, ImageConfig.class);
        } catch (RuntimeException e) {
            throw new SystemException("the config of image " + id + " is not valid JSON (" + e.getMessage()
                    + "); remove the image and pull it again");
        }
    }

    /**
     * Records a new or updated image and points {@code names} at it. Returns the images that lost a tag to
     * it (now possibly dangling), for the caller's events.
     */
    public synchronized List<Digest> register(ImageRecord record, List<Reference> names) throws IOException {
        ImageRecord r = names.isEmpty() ? record : record.withLastTagTime(Instant.now());
        images.put(r);
        List<Digest> displaced = new java.util.ArrayList<>();
        for (Reference name : names) {
            images.setReference(name, r.id()).filter(prev -> !prev.equals(r.id())).ifPresent(displaced::add);
        }
        return displaced;
    }

    /** {@code docker tag source target}. */
    public synchronized void tag(String source, Reference target) throws IOException {
        ImageRecord r = resolve(source);
        images.setReference(target, r.id());
        images.put(r.withLastTagTime(Instant.now()));
        publish("tag", r.id().toString(), Map.of("name", target.familiarString()));
    }

    public List<Reference> names(ImageRecord r) {
        return images.referencesOf(r.id());
    }

    public Collection<ImageRecord> all() {
        return images.all();
    }

    public void publish(String action, String actorId, Map<String, String> attributes) {
        events.publish(Event.of("image", action, actorId, new HashMap<>(attributes)));
    }

    /**
     * Start-up consistency: an image whose config blob or any layer is missing (a crash between steps, a
     * disk error) is dropped with its names, so nothing half-present is ever listed.
     */
    public void recover() throws IOException {
        for (ImageRecord r : images.all()) {
            boolean configOk = content.info(r.id()).isPresent();
            boolean layersOk = r.diffIds().stream().allMatch(d -> snapshots.get(d).isPresent());
            if (!configOk || !layersOk) {
                log.warn("image {} is incomplete (config present: {}, layers present: {}); removing it",
                        r.id(), configOk, layersOk);
                images.delete(r.id());
            }
        }
        int dropped = images.retainReferences(id -> images.get(id).isPresent());
        if (dropped > 0) {
            log.warn("dropped {} image names pointing at missing images", dropped);
        }
    }
}
