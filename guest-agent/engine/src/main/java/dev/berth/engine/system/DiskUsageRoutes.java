package dev.berth.engine.system;

import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.container.ContainerViews;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.ImageViews;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /system/df}: what {@code docker system df} shows; and {@code POST /build/prune}, which
 * {@code docker system prune} calls last: Berth has no build cache, so it frees nothing, but must answer.
 */
public final class DiskUsageRoutes {
    private final ImageService images;
    private final ImageViews views;
    private final ContainerService containers;
    private final ContainerViews containerViews;
    private final VolumeUsage volumes;

    /** The volumes section: each volume's view with {@code UsageData} (reference count and size). */
    public interface VolumeUsage {
        List<Map<String, Object>> usage() throws IOException;
    }

    public DiskUsageRoutes(ImageService images, ContainerService containers, ContainerViews containerViews,
            VolumeUsage volumes) {
        this.images = images;
        this.containers = containers;
        this.containerViews = containerViews;
        this.volumes = volumes;
        this.views = new ImageViews(images);
    }

    public void register(Router r) {
        r.get("/system/df", this::df);
        r.post("/build/prune", (req, res) -> res.json(200,
                Map.of("CachesDeleted", List.of(), "SpaceReclaimed", 0)));
    }

    private void df(Request req, Response res) throws IOException {
        Map<Digest, Integer> layerUsers = new HashMap<>();
        for (ImageRecord r : images.all()) {
            r.diffIds().stream().distinct().forEach(d -> layerUsers.merge(d, 1, Integer::sum));
        }
        long layersSize = 0;
        for (Snapshot s : images.snapshots().all()) {
            layersSize += s.size();
        }
        List<Map<String, Object>> imgs = new ArrayList<>();
        for (ImageRecord r : images.all()) {
            Map<String, Object> m = new LinkedHashMap<>(views.summary(r, req.version()));
            long shared = 0;
            for (Digest d : r.diffIds().stream().distinct().toList()) {
                if (layerUsers.getOrDefault(d, 0) > 1) {
                    shared += images.snapshots().get(d).map(Snapshot::size).orElse(0L);
                }
            }
            m.put("SharedSize", shared);
            m.put("Containers", containers.all().stream().filter(c -> c.record().imageId().equals(r.id())).count());
            imgs.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("LayersSize", layersSize);
        out.put("Images", imgs);
        out.put("Containers", containerSummaries());
        out.put("Volumes", volumes.usage());
        out.put("BuildCache", List.of());
        out.put("BuilderSize", 0);
        res.json(200, out);
    }

    /** Container summaries with SizeRw (the writable layer) and SizeRootFs, as docker system df -v shows. */
    private List<Map<String, Object>> containerSummaries() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Container c : containers.all()) {
            Map<String, Object> m = new LinkedHashMap<>(containerViews.summary(c));
            containers.sizes(c).addTo(m);
            out.add(m);
        }
        return out;
    }
}
