package dev.berth.engine.network.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.engine.api.Filters;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.network.ConnectContainer;
import dev.berth.engine.network.NetworkService;
import dev.berth.engine.network.NetworkViews;
import dev.berth.engine.network.model.CreateNetworkRequest;
import dev.berth.engine.network.model.NetworkRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** The network endpoints: create, list, inspect, remove, connect, disconnect, prune. */
public final class NetworkRoutes {
    private static final Set<String> LIST_FILTERS = Set.of("name", "id", "label", "driver", "type", "dangling", "scope");

    private final NetworkService networks;
    private final NetworkViews views;
    private final ConnectContainer connector;
    private final Predicate<String> inUse;

    /** @param inUse whether any container (running or not) is configured for the network of that name */
    public NetworkRoutes(NetworkService networks, NetworkViews views, ConnectContainer connector,
            Predicate<String> inUse) {
        this.networks = networks;
        this.views = views;
        this.connector = connector;
        this.inUse = inUse;
    }

    public void register(Router r) {
        r.post("/networks/create", this::create);
        r.get("/networks", this::list);
        r.post("/networks/prune", this::prune);
        r.get("/networks/{name}", (req, res) -> res.json(200, views.network(networks.get(req.param("name")))));
        r.delete("/networks/{name}", (req, res) -> {
            networks.remove(req.param("name"), true);
            res.empty(204);
        });
        r.post("/networks/{name}/connect", this::connect);
        r.post("/networks/{name}/disconnect", this::disconnect);
    }

    private void create(Request req, Response res) throws IOException {
        NetworkRecord n = networks.create(req.json(CreateNetworkRequest.class));
        res.json(201, Map.of("Id", n.id(), "Warning", ""));
    }

    private void list(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, LIST_FILTERS);
        List<Map<String, Object>> out = new ArrayList<>();
        for (NetworkRecord n : networks.all().stream().sorted(Comparator.comparing(NetworkRecord::name)).toList()) {
            if (f.matchesAny("name", v -> n.name().contains(v)) && f.matchesAny("id", v -> n.id().startsWith(v))
                    && f.matchesLabels("label", n.labels()) && f.matchesAny("driver", v -> v.equals(n.driver()))
                    && f.matchesAny("type", v -> v.equals(n.userDefined() ? "custom" : "builtin"))
                    && f.matchesAny("scope", v -> v.equals("local"))
                    && (f.bool("dangling", null) == null || f.bool("dangling", null) == (n.userDefined() && !inUse.test(n.name())))) {
                out.add(views.network(n));
            }
        }
        res.json(200, out);
    }

    record ConnectRequest(@JsonProperty("Container") String container,
            @JsonProperty("EndpointConfig") Map<String, Object> endpointConfig,
            @JsonProperty("Force") Boolean force) {}

    private void connect(Request req, Response res) throws IOException {
        ConnectRequest body = body(req);
        connector.connect(req.param("name"), body.container(), body.endpointConfig());
        res.empty(200);
    }

    private void disconnect(Request req, Response res) throws IOException {
        ConnectRequest body = body(req);
        connector.disconnect(req.param("name"), body.container());
        res.empty(200);
    }

    private static ConnectRequest body(Request req) throws IOException {
        ConnectRequest body = req.json(ConnectRequest.class);
        if (body == null || body.container() == null || body.container().isEmpty()) {
            throw new InvalidArgumentException("a container is required");
        }
        return body;
    }

    /** Removes user networks no container is configured for. */
    private void prune(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, Set.of("label", "label!", "until"));
        Optional<Instant> until = f.time("until");
        List<String> deleted = new ArrayList<>();
        for (NetworkRecord n : networks.all()) {
            if (n.userDefined() && !inUse.test(n.name()) && networks.ipam().inUse(n.id()) == 0
                    && f.matchesLabels("label", n.labels()) && until.map(u -> n.created().isBefore(u)).orElse(true)) {
                networks.remove(n.id(), true);
                deleted.add(n.name());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("NetworksDeleted", deleted.isEmpty() ? null : deleted);
        res.json(200, body);
    }
}
