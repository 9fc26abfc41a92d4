package dev.berth.engine.image;

import dev.berth.engine.api.ApiVersion;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.RuntimeConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of images in the Docker API: list items, inspect, history. */
public final class ImageViews {
    private final ImageService images;

    public ImageViews(ImageService images) {
        this.images = images;
    }

    /** One item of {@code GET /images/json}. */
    public Map<String, Object> summary(ImageRecord r, ApiVersion v) throws IOException {
        ImageConfig c = images.config(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Containers", -1);
        m.put("Created", r.created() == null ? 0 : r.created().getEpochSecond());
        m.put("Id", r.id().toString());
        m.put("Labels", c.config() == null ? null : c.config().labels());
        m.put("ParentId", "");
        List<String> tags = repoTags(r);
        List<String> digests = repoDigests(r);
        boolean legacyNone = !v.atLeast(1, 44) && tags.isEmpty();
        m.put("RepoDigests", digests.isEmpty() ? (legacyNone ? List.of("<none>@<none>") : List.of()) : digests);
        m.put("RepoTags", tags.isEmpty() && legacyNone ? List.of("<none>:<none>") : tags);
        m.put("SharedSize", -1);
        m.put("Size", r.size());
        if (!v.atLeast(1, 44)) {
            m.put("VirtualSize", r.size());
        }
        return m;
    }

    /** {@code GET /images/{name}/json}. */
    public Map<String, Object> inspect(ImageRecord r, ApiVersion v) throws IOException {
        ImageConfig c = images.config(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", r.id().toString());
        m.put("RepoTags", repoTags(r));
        m.put("RepoDigests", repoDigests(r));
        m.put("Parent", "");
        m.put("Comment", lastComment(c));
        m.put("Created", c.created() == null ? "0001-01-01T00:00:00Z" : c.created());
        m.put("DockerVersion", "");
        m.put("Author", c.author() == null ? "" : c.author());
        m.put("Config", runtimeConfig(c.config()));
        m.put("Architecture", c.architecture());
        if (c.variant() != null) {
            m.put("Variant", c.variant());
        }
        m.put("Os", c.os());
        m.put("Size", r.size());
        if (!v.atLeast(1, 44)) {
            m.put("VirtualSize", r.size());
        }
        m.put("GraphDriver", Map.of("Name", "overlay2", "Data", Map.of()));
        m.put("RootFS", Map.of("Type", "layers", "Layers", r.diffIds().stream().map(Object::toString).toList()));
        m.put("Metadata", Map.of("LastTagTime", r.lastTagTime() == null ? "0001-01-01T00:00:00Z"
                : r.lastTagTime().toString()));
        return m;
    }

    /** The image's runtime config with the keys clients expect present (null where Docker sends null). */
    static Map<String, Object> runtimeConfig(RuntimeConfig rc) {
        RuntimeConfig c = rc == null ? RuntimeConfig.empty() : rc;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Hostname", "");
        m.put("Domainname", "");
        m.put("User", c.user() == null ? "" : c.user());
        m.put("AttachStdin", false);
        m.put("AttachStdout", false);
        m.put("AttachStderr", false);
        if (c.exposedPorts() != null) {
            m.put("ExposedPorts", c.exposedPorts());
        }
        m.put("Tty", false);
        m.put("OpenStdin", false);
        m.put("StdinOnce", false);
        m.put("Env", c.env());
        m.put("Cmd", c.cmd());
        if (c.healthcheck() != null) {
            m.put("Healthcheck", c.healthcheck());
        }
        m.put("Image", "");
        m.put("Volumes", c.volumes());
        m.put("WorkingDir", c.workingDir() == null ? "" : c.workingDir());
        m.put("Entrypoint", c.entrypoint());
        m.put("OnBuild", c.onBuild());
        m.put("Labels", c.labels());
        if (c.stopSignal() != null) {
            m.put("StopSignal", c.stopSignal());
        }
        if (c.shell() != null) {
            m.put("Shell", c.shell());
        }
        return m;
    }

    /** {@code GET /images/{name}/history}: newest first; only the top entry carries the image ID and tags. */
    public List<Map<String, Object>> history(ImageRecord r) throws IOException {
        ImageConfig c = images.config(r);
        List<ImageConfig.History> hist = c.history() == null ? List.of() : c.history();
        List<Map<String, Object>> out = new ArrayList<>();
        int layer = 0;
        List<Long> sizes = new ArrayList<>();
        for (ImageRecord.Layer l : r.layers()) {
            sizes.add(images.snapshots().get(l.diffId()).map(s -> s.size()).orElse(0L));
        }
        for (ImageConfig.History h : hist) {
            boolean empty = Boolean.TRUE.equals(h.emptyLayer());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Comment", h.comment() == null ? "" : h.comment());
            m.put("Created", epoch(h.created()));
            m.put("CreatedBy", h.createdBy() == null ? "" : h.createdBy());
            m.put("Id", "<missing>");
            m.put("Size", empty || layer >= sizes.size() ? 0L : sizes.get(layer));
            m.put("Tags", null);
            if (!empty) {
                layer++;
            }
            out.add(0, m);
        }
        if (out.isEmpty()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Comment", "");
            m.put("Created", r.created() == null ? 0 : r.created().getEpochSecond());
            m.put("CreatedBy", "");
            m.put("Id", "<missing>");
            m.put("Size", r.size());
            m.put("Tags", null);
            out.add(m);
        }
        out.get(0).put("Id", r.id().toString());
        List<String> tags = repoTags(r);
        out.get(0).put("Tags", tags.isEmpty() ? null : tags);
        return out;
    }

    public List<String> repoTags(ImageRecord r) {
        return images.names(r).stream().filter(n -> n.digest() == null).map(Reference::familiarString).sorted().toList();
    }

    public List<String> repoDigests(ImageRecord r) {
        return images.names(r).stream().filter(n -> n.digest() != null)
                .map(n -> n.familiarRepository() + "@" + n.digest()).sorted().toList();
    }

    private static String lastComment(ImageConfig c) {
        if (c.history() == null || c.history().isEmpty()) {
            return "";
        }
        String comment = c.history().get(c.history().size() - 1).comment();
        return comment == null ? "" : comment;
    }

    private static long epoch(String rfc3339) {
        try {
            return rfc3339 == null ? 0 : Instant.parse(rfc3339).getEpochSecond();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
