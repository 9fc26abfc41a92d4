package dev.berth.engine.container.api;

import dev.berth.engine.api.ClientWatch;
import dev.berth.engine.api.Filters;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.container.ContainerViews;
import dev.berth.engine.container.HostConfigs;
import dev.berth.engine.container.cgroup.HostLimits;
import dev.berth.engine.container.model.CreateRequest;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.stats.StatsSampler;
import dev.berth.engine.container.stats.StatsStreamer;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The container lifecycle endpoints: create, start, stop, kill, restart, remove, rename, pause, update, wait;
 * and the read-only views list, inspect, top, stats.
 */
public final class ContainerRoutes {
    private final ContainerService service;
    private final ContainerViews views;

    public ContainerRoutes(ContainerService service, ContainerViews views) {
        this.service = service;
        this.views = views;
    }

    public void register(Router r) {
        r.post("/containers/create", this::create);
        r.get("/containers/json", this::list);
        r.post("/containers/prune", this::prune);
        r.get("/containers/{name}/json", this::inspect);
        r.post("/containers/{name}/start", (req, res) -> noContent(res, () -> service.start(container(req))));
        r.post("/containers/{name}/stop", (req, res) -> noContent(res, () -> service.stop(container(req),
                timeout(req), req.query().get("signal").orElse(null))));
        r.post("/containers/{name}/restart", (req, res) -> noContent(res, () -> service.restart(container(req),
                timeout(req), req.query().get("signal").orElse(null))));
        r.post("/containers/{name}/kill", (req, res) -> noContent(res, () -> service.kill(container(req),
                req.query().get("signal").orElse(null))));
        r.post("/containers/{name}/pause", (req, res) -> noContent(res, () -> service.pause(container(req), true)));
        r.post("/containers/{name}/unpause", (req, res) -> noContent(res, () -> service.pause(container(req), false)));
        r.post("/containers/{name}/rename", (req, res) -> noContent(res, () -> service.rename(container(req),
                req.query().get("name").orElse(""))));
        r.post("/containers/{name}/update", this::update);
        r.post("/containers/{name}/wait", this::await);
        r.get("/containers/{name}/top", new TopRoute(service)::handle);
        StatsStreamer stats = new StatsStreamer(StatsSampler.forHost());
        r.get("/containers/{name}/stats", new StatsRoute(service, stats)::handle);
        r.delete("/containers/{name}", (req, res) -> noContent(res, () -> service.remove(container(req),
                req.flag("force", false), req.flag("v", false))));
    }

    private interface Action {
        void run() throws IOException;
    }

    private static void noContent(Response res, Action a) throws IOException {
        a.run();
        res.empty(204);
    }

    private Container container(Request req) {
        return service.get(req.param("name"));
    }

    private void create(Request req, Response res) throws IOException {
        CreateRequest body = req.json(CreateRequest.class);
        Container c = service.create(req.query().get("name").orElse(""), body);
        // Docker's create warnings (docker run prints them as "WARNING: ..."), e.g. a memory limit on a kernel
        // without swap accounting: "Memory limited without swap."
        List<String> warnings = HostConfigs.warnings(body == null ? null : body.hostConfig,
                HostLimits.current(Runtime.getRuntime().availableProcessors()));
        res.json(201, Map.of("Id", c.id(), "Warnings", warnings));
    }

    private void list(Request req, Response res) throws IOException {
        ContainerFilter filter = new ContainerFilter(Filters.from(req, ContainerFilter.NAMES),
                service.context().store(), service.context().images());
        long limit = req.query().longValue("limit", -1);
        boolean all = req.flag("all", false) || limit > 0;
        boolean size = req.flag("size", false);
        List<Container> shown = service.all().stream()
                .filter(c -> all || c.state().running() || c.state().restarting())
                .filter(filter)
                .sorted(Comparator.comparing((Container c) -> c.record().created()).reversed())
                .limit(limit > 0 ? limit : Long.MAX_VALUE)
                .toList();
        List<Map<String, Object>> out = new java.util.ArrayList<>(shown.size());
        for (Container c : shown) {
            Map<String, Object> m = views.summary(c);
            if (size) {
                service.sizes(c).addTo(m);
            }
            out.add(m);
        }
        res.json(200, out);
    }

    private void inspect(Request req, Response res) throws IOException {
        Container c = container(req);
        Map<String, Object> m = views.inspect(c);
        List<String> execs = service.execs().running(c);
        m.put("ExecIDs", execs.isEmpty() ? null : execs);
        if (req.flag("size", false)) {
            service.sizes(c).addTo(m);
        }
        res.json(200, m);
    }

    private void update(Request req, Response res) throws IOException {
        Container c = container(req);
        HostConfig changes = req.json(HostConfig.class);
        if (changes == null) {
            throw new InvalidArgumentException("update needs a JSON body with the new limits");
        }
        service.update(c, changes);
        res.json(200, Map.of("Warnings", HostConfigs.warnings(changes,
                HostLimits.current(Runtime.getRuntime().availableProcessors()))));
    }

    /**
     * The head goes out at once (the CLI waits for it before attaching); the body when the condition holds.
     * A client that leaves (docker run -d cancels its wait) ends the handler instead of keeping it.
     */
    private void await(Request req, Response res) throws IOException {
        Container c = container(req);
        CompletableFuture<Integer> done = service.await(c, req.query().get("condition").orElse(""));
        CompletableFuture<Void> gone = ClientWatch.watch(req, res);
        OutputStream out = res.stream(200, "application/json");
        CompletableFuture.anyOf(done, gone).exceptionally(t -> null).join();
        if (!done.isDone()) {
            done.cancel(false);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            body.put("Error", null);
            body.put("StatusCode", done.get());
        } catch (ExecutionException | InterruptedException e) {
            body.put("Error", Map.of("Message", String.valueOf(e.getMessage())));
            body.put("StatusCode", -1);
        }
        out.write((new String(Json.write(body), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private void prune(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, java.util.Set.of("label", "label!", "until"));
        List<String> deleted = new java.util.ArrayList<>();
        long reclaimed = 0;
        for (Container c : service.all()) {
            if (c.state().running() || c.state().restarting() || !PruneFilter.matches(f, c)) {
                continue;
            }
            long size = service.sizes(c).rw();
            service.remove(c, false);
            deleted.add(c.id());
            reclaimed += size;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ContainersDeleted", deleted.isEmpty() ? null : deleted);
        body.put("SpaceReclaimed", reclaimed);
        res.json(200, body);
    }

    private static Integer timeout(Request req) {
        return req.query().get("t").filter(s -> !s.isEmpty()).map(s -> {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("invalid stop timeout: " + s);
            }
        }).orElse(null);
    }
}
