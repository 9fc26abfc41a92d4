package dev.berth.api.client;

import dev.berth.api.http.Query;
import dev.berth.oci.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Container operations over {@link EngineClient}, as the docker CLI performs them: create (pulling a
 * missing image first), wait, attach, start, remove. Shared by {@code berth run} and the desktop app.
 */
public final class ContainerClient {
    private final EngineClient engine;

    public ContainerClient(EngineClient engine) {
        this.engine = engine;
    }

    /** Creates a container; on "no such image" pulls it (reporting progress lines) and tries once more. */
    public String create(String name, Map<String, Object> config, Consumer<String> progress) throws IOException {
        String path = "/containers/create" + (name == null || name.isEmpty() ? "" : "?name=" + Query.encode(name));
        try {
            return engine.postJson(path, config).get("Id").asString();
        } catch (EngineApiException e) {
            if (e.status() != 404 || !e.getMessage().startsWith("No such image")) {
                throw e;
            }
        }
        pull(String.valueOf(config.get("Image")), progress);
        return engine.postJson(path, config).get("Id").asString();
    }

    /** Pulls {@code image}, passing each status line to {@code progress}; fails on an error message. */
    public void pull(String image, Consumer<String> progress) throws IOException {
        String[] ref = splitTag(image);
        String target = EngineClient.versioned("/images/create?fromImage=" + Query.encode(ref[0])
                + (ref[1] == null ? "" : "&tag=" + Query.encode(ref[1])));
        try (EngineResponse r = engine.send("POST", target, null, null)) {
            if (r.status() >= 400) {
                throw new EngineApiException(r.status(), EngineClient.errorMessage(r.bytes()));
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode m = Json.mapper().readTree(line);
                if (m.has("error")) {
                    throw new EngineApiException(500, m.get("error").asString());
                }
                if (m.has("status") && !m.has("progressDetail")) {
                    progress.accept(m.get("status").asString());
                }
            }
        }
    }

    /**
     * Registers a wait before the container starts (so a fast exit is not missed) and returns the exit code
     * when {@code condition} holds: {@code next-exit}, {@code not-running} or {@code removed}.
     */
    public CompletableFuture<Integer> waitFor(String id, String condition) throws IOException {
        EngineResponse r = engine.send("POST", EngineClient.versioned("/containers/" + id + "/wait?condition="
                + condition), null, null);
        if (r.status() >= 400) {
            try (r) {
                throw new EngineApiException(r.status(), EngineClient.errorMessage(r.bytes()));
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try (r) {
                return Json.mapper().readTree(r.bytes()).get("StatusCode").asInt();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Attaches to stdout and stderr (and stdin if asked) of a container, before or after it starts. */
    public Hijacked attach(String id, boolean stdin) throws IOException {
        return engine.hijack(EngineClient.versioned("/containers/" + id + "/attach?stream=1&stdout=1&stderr=1"
                + (stdin ? "&stdin=1" : "")), null);
    }

    public void start(String id) throws IOException {
        expect(engine.send("POST", EngineClient.versioned("/containers/" + id + "/start"), null, null), 204, 304);
    }

    /** Stops a container as {@code docker stop} does (SIGTERM, then SIGKILL after its stop timeout). */
    public void stop(String id) throws IOException {
        expect(engine.send("POST", EngineClient.versioned("/containers/" + id + "/stop"), null, null), 204, 304);
    }

    public void remove(String id, boolean force) throws IOException {
        expect(engine.send("DELETE", EngineClient.versioned("/containers/" + id + "?force=" + (force ? 1 : 0)),
                null, null), 204);
    }

    private static void expect(EngineResponse r, int... ok) throws IOException {
        try (r) {
            byte[] body = r.bytes();
            for (int s : ok) {
                if (r.status() == s) {
                    return;
                }
            }
            throw new EngineApiException(r.status(), EngineClient.errorMessage(body));
        }
    }

    /** {@code repo:tag} → {repo, tag}; a digest reference or a bare name keeps the whole name, tag null. */
    static String[] splitTag(String image) {
        int colon = image.lastIndexOf(':');
        if (image.contains("@") || colon < 0 || colon < image.lastIndexOf('/')) {
            return new String[] {image, null};
        }
        return new String[] {image.substring(0, colon), image.substring(colon + 1)};
    }
}
