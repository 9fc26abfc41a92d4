package dev.berth.engine.image.pull;

import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.Reference;
import dev.berth.engine.image.registry.Credentials;
import dev.berth.engine.image.registry.RegistryClient;
import dev.berth.oci.Digest;
import dev.berth.oci.Platform;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Pulls images. One instance per engine: it owns the download executor and knows which layers are being
 * fetched right now, so two pulls sharing a layer download it once.
 */
public final class ImagePuller {
    final ImageService images;
    final RegistryClient registry;
    final PullSettings settings;
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final ConcurrentHashMap<Digest, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    final Leases leases;

    public ImagePuller(ImageService images, RegistryClient registry, PullSettings settings, Leases leases) {
        this.images = images;
        this.registry = registry;
        this.settings = settings;
        this.leases = leases;
    }

    /**
     * Starts a pull: the manifest, index and config are fetched and checked here, so errors such as an
     * unknown tag become plain HTTP errors; {@link PullJob#run} then streams the layer work.
     *
     * @param platform the requested platform, or null for this machine's
     */
    public PullJob prepare(Reference ref, Platform platform, Credentials credentials) {
        PullJob job = new PullJob(this, ref, platform == null ? Platform.host() : platform, platform != null,
                credentials);
        job.resolve();
        return job;
    }

    public RegistryClient registry() {
        return registry;
    }
}
