package dev.berth.engine.volume;

import dev.berth.engine.api.Router;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.events.EventBus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The volume domain, wired: the store under {@code <root>/volumes}, the service, the container side
 * ({@link ContainerVolumes}, the engine's {@code MountSetup} and inspect's mount view) and the routes.
 */
public final class VolumeDomain {
    private final VolumeService service;
    private final ContainerVolumes containerVolumes;

    private VolumeDomain(VolumeService service, ContainerVolumes containerVolumes) {
        this.service = service;
        this.containerVolumes = containerVolumes;
    }

    /** Opens the store (dropping what an interrupted create or remove left) and reads every container's mounts. */
    public static VolumeDomain open(Path root, ContainerStore containers, EventBus events) throws IOException {
        MountPlans plans = new MountPlans();
        for (Container c : containers.all()) {
            plans.get(c); // known before a removal deletes the file: rm -v needs them
        }
        VolumeService service = new VolumeService(new VolumeStore(root.resolve("volumes")), containers, plans,
                events);
        return new VolumeDomain(service, new ContainerVolumes(service, containers, plans));
    }

    public ContainerVolumes containerVolumes() {
        return containerVolumes;
    }

    public VolumeService service() {
        return service;
    }

    public void register(Router router) {
        new VolumeRoutes(service).register(router);
    }

    /** {@code system df}'s {@code Volumes}: each volume with its reference count and size. */
    public List<Map<String, Object>> usage() throws IOException {
        Map<String, Integer> refs = containerVolumes.refCounts();
        List<Map<String, Object>> out = new ArrayList<>();
        for (VolumeRecord v : service.all()) {
            out.add(VolumeViews.usage(v, service.data(v.name()), refs.getOrDefault(v.name(), 0),
                    service.size(v.name())));
        }
        return out;
    }
}
