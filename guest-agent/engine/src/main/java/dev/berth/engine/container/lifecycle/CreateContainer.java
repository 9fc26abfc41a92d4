package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.ConfigMerger;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerEvents;
import dev.berth.engine.container.ContainerNames;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.HostConfigs;
import dev.berth.engine.container.MountSetup;
import dev.berth.engine.container.NetworkSetup;
import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.CreateRequest;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.runtime.Runtimes;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.oci.ImageConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code POST /containers/create}: resolves the image, merges its config with the request, checks limits
 * and names, and records the container. Nothing runs yet; the root filesystem is mounted at start.
 */
public final class CreateContainer {
    private final ContainerStore store;
    private final ImageService images;
    private final Runtimes runtimes;
    private final ContainerEvents events;
    private final NetworkSetup network;
    private final MountSetup mounts;

    public CreateContainer(ContainerStore store, ImageService images, Runtimes runtimes, ContainerEvents events,
            NetworkSetup network, MountSetup mounts) {
        this.store = store;
        this.images = images;
        this.runtimes = runtimes;
        this.events = events;
        this.network = network;
        this.mounts = mounts;
    }

    public Container create(String requestedName, CreateRequest req) throws IOException {
        if (req == null || req.config == null || req.config.image() == null || req.config.image().isEmpty()) {
            throw new InvalidArgumentException("config cannot be empty in order to create a container");
        }
        boolean named = requestedName != null && !requestedName.isEmpty();
        String name = named ? ContainerNames.normalize(requestedName) : ContainerNames.random();
        // dockerd checks the host config before it looks for the image: an invalid request is a 400 even when
        // the image is missing, and the CLI does not pull an image for a request that will be refused anyway
        HostConfig host = HostConfigs.withDefaults(req.hostConfig, Runtime.getRuntime().availableProcessors());
        ImageRecord image = images.resolve(req.config.image());
        ImageConfig imageConfig = images.config(image);
        String id = ContainerNames.newId();
        String hostname = req.config.hostname() == null || req.config.hostname().isEmpty()
                ? id.substring(0, 12) : req.config.hostname();
        ContainerConfig merged = ConfigMerger.merge(req.config, imageConfig.config(), req.config.image(), hostname);
        List<String> argv = ConfigMerger.command(merged);
        String runtime = HostConfigs.runtime(host, runtimes.names(), runtimes.defaultName());
        ContainerRecord record = new ContainerRecord(id, name, Instant.now(), req.config.image(), image.id(),
                argv.get(0), argv.subList(1, argv.size()), merged, host, image.diffIds(),
                req.networkingConfig == null ? null : req.networkingConfig.endpointsConfig(), runtime);
        network.validate(record);
        mounts.validate(record);
        Container c = named ? store.add(record) : addWithFreeName(record);
        try {
            mounts.created(c);
        } catch (IOException | RuntimeException e) {
            store.remove(c); // a container whose volumes could not be made is not created
            throw e;
        }
        events.publish(c, "create");
        return c;
    }

    /**
     * A generated name can collide with another create running at the same moment: the store's reservation
     * is the arbiter, and a taken name is replaced, as dockerd does, eventually with a digit appended.
     */
    private Container addWithFreeName(ContainerRecord record) throws IOException {
        ContainerRecord r = record;
        for (int attempt = 0; ; attempt++) {
            try {
                return store.add(r);
            } catch (ConflictException taken) {
                String next = ContainerNames.random();
                r = r.withName(attempt < 5 ? next : next + ContainerNames.digit());
                if (attempt > 50) {
                    r = r.withName(next + "_" + r.id().substring(0, 12));
                }
            }
        }
    }
}
