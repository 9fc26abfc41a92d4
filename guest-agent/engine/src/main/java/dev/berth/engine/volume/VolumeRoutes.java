package dev.berth.engine.volume;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.engine.api.Filters;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** {@code /volumes}: create, list, inspect, remove, prune, in dockerd's shapes. */
public final class VolumeRoutes {
    private static final Set<String> LIST_FILTERS = Set.of("name", "label", "dangling", "driver");
    private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "all");

    private final VolumeService volumes;

    VolumeRoutes(VolumeService volumes) {
        this.volumes = volumes;
    }

    record CreateRequest(@JsonProperty("Name") String name, @JsonProperty("Driver") String driver,
            @JsonProperty("DriverOpts") Map<String, String> driverOpts,
            @JsonProperty("Labels") Map<String, String> labels) {}

    public void register(Router r) {
        r.post("/volumes/create", this::create);
        r.get("/volumes", this::list);
        r.post("/volumes/prune", this::prune);
        r.get("/volumes/{name}", (req, res) -> res.json(200, view(volumes.get(req.param("name")))));
        r.delete("/volumes/{name}", (req, res) -> {
            volumes.remove(req.param("name"), req.flag("force", false));
            res.empty(204);
        });
    }

    private Map<String, Object> view(VolumeRecord v) {
        return VolumeViews.volume(v, volumes.data(v.name()));
    }

    private void create(Request req, Response res) throws IOException {
        CreateRequest body = req.json(CreateRequest.class);
        CreateRequest b = body == null ? new CreateRequest(null, null, null, null) : body;
        res.json(201, view(volumes.create(b.name(), b.driver(), b.labels(), b.driverOpts())));
    }

    private void list(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, LIST_FILTERS);
        Boolean dangling = f.bool("dangling", null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (VolumeRecord v : volumes.all().stream().sorted(Comparator.comparing(VolumeRecord::name)).toList()) {
            if (f.matchesAny("name", n -> v.name().contains(n)) && f.matchesLabels("label", v.labels())
                    && f.matchesAny("driver", d -> d.equals(v.driver()))
                    && (dangling == null || dangling == volumes.users(v.name()).isEmpty())) {
                out.add(view(v));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Volumes", out);
        body.put("Warnings", null);
        res.json(200, body);
    }

    /**
     * Since API 1.42 prune removes only anonymous volumes unless {@code all=true}; {@code label!} excludes
     * volumes carrying the label.
     */
    private void prune(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, PRUNE_FILTERS);
        boolean all = Boolean.TRUE.equals(f.bool("all", false)) || !req.version().atLeast(1, 42);
        Predicate<VolumeRecord> candidate = v -> (all || v.anonymous()) && f.matchesLabels("label", v.labels())
                && f.get("label!").stream().noneMatch(l -> labelMatches(l, v.labels()));
        VolumeService.Pruned p = volumes.prune(candidate);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("VolumesDeleted", p.names()); // [] when none, as dockerd answers
        body.put("SpaceReclaimed", p.bytes());
        res.json(200, body);
    }

    private static boolean labelMatches(String filter, Map<String, String> labels) {
        int eq = filter.indexOf('=');
        String key = eq < 0 ? filter : filter.substring(0, eq);
        return labels.containsKey(key) && (eq < 0 || filter.substring(eq + 1).equals(labels.get(key)));
    }
}
