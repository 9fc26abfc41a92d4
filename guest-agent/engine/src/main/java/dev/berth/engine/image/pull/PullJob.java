package dev.berth.engine.image.pull;

import dev.berth.engine.errors.DiskFullException;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.image.ImageLimits;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.Reference;
import dev.berth.engine.image.progress.ProgressStream;
import dev.berth.engine.image.registry.Credentials;
import dev.berth.engine.image.registry.RepositorySession;
import dev.berth.engine.store.content.IngestWriter;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/** One pull: {@link #resolve()} before the response head, {@link #run} while streaming progress. */
public final class PullJob {
    private final ImagePuller puller;
    private final Reference ref;
    private final Platform platform;
    private final boolean explicitPlatform;
    private final Credentials credentials;

    private RepositorySession session;
    private RepositorySession.FetchedManifest top;
    private RepositorySession.FetchedManifest manifest;
    private ImageManifest parsed;
    private byte[] configBytes;
    private List<ImageRecord.Layer> layers;
    /** Set when one layer fails, so the others stop instead of finishing work nobody will use. */
    private volatile boolean cancelled;

    PullJob(ImagePuller puller, Reference ref, Platform platform, boolean explicitPlatform, Credentials credentials) {
        this.puller = puller;
        this.ref = ref;
        this.platform = platform;
        this.explicitPlatform = explicitPlatform;
        this.credentials = credentials;
    }

    void resolve() {
        session = puller.registry.session(ref, credentials, false);
        top = session.fetchManifest(ref.digest() != null ? ref.digest().toString() : ref.tag());
        manifest = top;
        if (MediaTypes.isIndex(top.mediaType())) {
            ImageIndex index = ManifestDocs.index(top.body());
            Descriptor chosen = PlatformSelector.select(index, platform);
            manifest = session.fetchManifest(chosen.digest().toString());
            if (!MediaTypes.isManifest(manifest.mediaType())) {
                throw new InvalidArgumentException("index entry " + chosen.digest() + " is not an image manifest");
            }
        }
        parsed = ManifestDocs.manifest(manifest.body());
        configBytes = fetchConfig(parsed.config());
        ImageConfig config = ManifestDocs.config(configBytes, parsed.layers().size());
        if (explicitPlatform && !MediaTypes.isIndex(top.mediaType()) && !platform.matches(config.platform())) {
            throw new NotFoundException("image with reference " + ref.familiarString()
                    + " was found but does not match the specified platform: wanted " + platform + ", actual: "
                    + config.platform());
        }
        layers = new ArrayList<>();
        for (int i = 0; i < parsed.layers().size(); i++) {
            Descriptor l = parsed.layers().get(i);
            layers.add(new ImageRecord.Layer(l.digest(), l.mediaType(), l.size(), config.diffIds().get(i)));
        }
    }

    /** Fetches the config blob, retrying transient failures like layer downloads do. */
    private byte[] fetchConfig(Descriptor d) {
        for (int attempt = 1; ; attempt++) {
            try (RepositorySession.BlobResponse r = session.openBlob(d.digest(), 0)) {
                byte[] bytes = r.body().readNBytes(ImageLimits.MAX_CONFIG + 1);
                if (bytes.length != d.size() || !Digest.sha256(bytes).equals(d.digest())) {
                    throw new InvalidArgumentException("image config verification failed for digest " + d.digest());
                }
                return bytes;
            } catch (UnavailableException | IOException e) {
                if (attempt >= puller.settings.attempts()) {
                    throw new UnavailableException("error pulling image configuration: " + e.getMessage());
                }
                sleep(puller.settings.retryDelay().toMillis() * attempt);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("pull interrupted");
        }
    }

    /** Downloads what is missing, records the image and names it. Errors go to {@code progress}. */
    public void run(ProgressStream progress) throws IOException {
        try (var lease = puller.leases.acquire(leasedContent())) {
            doRun(progress);
        } catch (EngineException | IOException e) {
            progress.error(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.error("pull interrupted");
        }
    }

    /** Everything this pull writes before the image record exists, so GC leaves it alone meanwhile. */
    private List<Digest> leasedContent() {
        List<Digest> d = new ArrayList<>(List.of(top.digest(), manifest.digest(), parsed.config().digest()));
        for (ImageRecord.Layer l : layers) {
            d.add(l.blob());
            d.add(l.diffId());
        }
        return d;
    }

    private void doRun(ProgressStream progress) throws IOException, InterruptedException {
        var images = puller.images;
        Optional<Digest> before = ref.tag() != null ? images.store().lookup(ref) : Optional.empty();
        progress.status("Pulling from " + displayPath(), ref.digest() != null ? ref.digest().toString() : ref.tag());
        Map<Digest, ImageRecord.Layer> missing = new LinkedHashMap<>();
        for (ImageRecord.Layer l : layers) {
            boolean present = images.snapshots().get(l.diffId()).isPresent();
            if (!present && !missing.containsKey(l.diffId())) {
                missing.put(l.diffId(), l);
            }
            progress.layer(l.blob().shortHex(), present ? "Already exists" : "Pulling fs layer");
        }
        fetchAll(missing.values(), progress);
        storeBlob(top);
        if (manifest != top) {
            storeBlob(manifest);
        }
        Digest configDigest = parsed.config().digest();
        storeBlob(configDigest, parsed.config().mediaType(), configBytes);
        ImageRecord record = new ImageRecord(configDigest, parsed.config().mediaType(), manifest.digest(),
                manifest.mediaType(), manifest == top ? null : top.digest(), layers,
                images.config(configDigest).platform(), created(configDigest), sizeOf(layers), null);
        List<Reference> names = new ArrayList<>();
        if (ref.tag() != null && ref.digest() == null) {
            names.add(ref);
        }
        names.add(new Reference(ref.domain(), ref.path(), null, top.digest()));
        images.register(record, names);
        images.publish("pull", ref.familiarString(), Map.of("name", ref.familiarString()));
        progress.status("Digest: " + top.digest());
        boolean upToDate = missing.isEmpty() && before.isPresent() && before.get().equals(configDigest);
        progress.status("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ")
                + ref.familiarString());
    }

    private void fetchAll(java.util.Collection<ImageRecord.Layer> missing, ProgressStream progress)
            throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(puller.settings.concurrentLayers());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (ImageRecord.Layer l : missing) {
            all.add(fetchShared(l, progress, slots));
        }
        Throwable first = null;
        for (CompletableFuture<Void> f : all) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                    cancelled = true;
                }
            }
        }
        // Every fetch has stopped (and cleaned up) by now: only then is the failure reported.
        if (first instanceof DiskFullException) {
            for (ImageRecord.Layer l : missing) {
                fetch(l, progress).discardIngest();
            }
        }
        if (first instanceof EngineException ee) {
            throw ee;
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first != null) {
            throw new SystemException("layer download failed: " + first, first);
        }
    }

    /** Joins a download of the same blob already running for another pull, or starts one. */
    private CompletableFuture<Void> fetchShared(ImageRecord.Layer l, ProgressStream progress, Semaphore slots) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = puller.inFlight.putIfAbsent(l.blob(), mine);
        if (running != null) {
            return running.thenRun(() -> { });
        }
        puller.executor.submit(() -> {
            try {
                slots.acquire();
                try {
                    fetch(l, progress).run();
                } finally {
                    slots.release();
                }
                mine.complete(null);
            } catch (Throwable t) {
                mine.completeExceptionally(t);
            } finally {
                puller.inFlight.remove(l.blob(), mine);
            }
        });
        return mine;
    }

    private LayerFetch fetch(ImageRecord.Layer l, ProgressStream progress) {
        return new LayerFetch(session, puller.images.content(), puller.images.snapshots(), puller.settings, l,
                progress, () -> cancelled);
    }

    private void storeBlob(RepositorySession.FetchedManifest m) throws IOException {
        storeBlob(m.digest(), m.mediaType(), m.body());
    }

    private void storeBlob(Digest digest, String mediaType, byte[] body) throws IOException {
        var content = puller.images.content();
        if (content.info(digest).isPresent()) {
            return;
        }
        try (IngestWriter w = content.writer("blob-" + digest, digest, body.length)) {
            w.stream().write(body);
            w.commit();
        }
    }

    private Instant created(Digest configDigest) throws IOException {
        String c = puller.images.config(configDigest).created();
        try {
            return c == null ? null : Instant.parse(c);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long sizeOf(List<ImageRecord.Layer> ls) {
        long total = 0;
        for (ImageRecord.Layer l : ls) {
            total += puller.images.snapshots().get(l.diffId()).map(s -> s.size()).orElse(0L);
        }
        return total;
    }

    /** "Pulling from library/busybox" for Docker Hub, "Pulling from busybox" for other registries. */
    private String displayPath() {
        return ref.path();
    }
}
