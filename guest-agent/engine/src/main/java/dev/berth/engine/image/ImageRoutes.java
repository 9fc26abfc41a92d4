package dev.berth.engine.image;

import dev.berth.engine.api.Filters;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.errors.ForbiddenException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.image.progress.ProgressStream;
import dev.berth.engine.image.pull.ImagePuller;
import dev.berth.engine.image.pull.PullJob;
import dev.berth.engine.image.push.ImagePusher;
import dev.berth.engine.image.registry.Credentials;
import dev.berth.oci.Digest;
import dev.berth.oci.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The image endpoints: pull, list, inspect, history, tag, push, remove, prune. */
public final class ImageRoutes {
    private static final Set<String> LIST_FILTERS = Set.of("reference", "dangling", "label", "before", "since", "until");
    private static final Set<String> PRUNE_FILTERS = Set.of("dangling", "label", "until");

    private final ImageService images;
    private final ImageViews views;
    private final ImagePuller puller;
    private final ImagePusher pusher;
    private final ImageRemover remover;
    private final ImageArchiveRoutes archives;

    public ImageRoutes(ImageService images, ImagePuller puller, ImagePusher pusher, ImageRemover remover,
            ImageArchiveRoutes archives) {
        this.images = images;
        this.views = new ImageViews(images);
        this.puller = puller;
        this.pusher = pusher;
        this.remover = remover;
        this.archives = archives;
    }

    public void register(Router r) {
        archives.register(r);
        r.post("/images/create", this::pull);
        r.get("/images/json", this::list);
        r.post("/images/prune", this::prune);
        r.get("/images/{name*}/json", this::inspect);
        r.get("/images/{name*}/history", this::history);
        r.post("/images/{name*}/tag", this::tag);
        r.post("/images/{name*}/push", this::push);
        r.delete("/images/{name*}", this::remove);
    }

    static Credentials credentials(Request req) {
        return Credentials.fromRegistryAuthHeader(req.headers().first("X-Registry-Auth").orElse(null));
    }

    private void pull(Request req, Response res) throws IOException {
        if (req.query().has("fromSrc")) {
            archives.importImage(req, res);
            return;
        }
        String from = req.query().get("fromImage").orElse("");
        if (from.isEmpty()) {
            throw new InvalidArgumentException("fromImage or fromSrc is required");
        }
        Reference ref = reference(from, req.query().get("tag").orElse(""));
        String platform = req.query().get("platform").orElse("");
        PullJob job;
        try {
            job = puller.prepare(ref, platform.isBlank() ? null : Platform.parse(platform), credentials(req));
        } catch (UnauthorizedException e) {
            // Not 401: the docker CLI answers a 401 from the engine by prompting for a login (moby sends 500).
            throw new SystemException(e.getMessage());
        } catch (ForbiddenException e) {
            throw new NotFoundException("pull access denied for " + ref.familiarRepository()
                    + ", repository does not exist or may require 'docker login': " + e.getMessage());
        }
        try (OutputStream out = res.stream(200, "application/json")) {
            job.run(new ProgressStream(out));
        }
    }

    /** {@code fromImage=busybox&tag=1} or {@code tag=sha256:...}, as the CLI splits references. */
    static Reference reference(String from, String tag) {
        if (tag.isEmpty()) {
            return Reference.parseWithDefaultTag(from);
        }
        return Reference.parse(from + (Digest.looksLikeDigest(tag) ? "@" : ":") + tag);
    }

    private void list(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, LIST_FILTERS);
        Predicate<ImageRecord> match = listFilter(f);
        List<ImageRecord> records = new ArrayList<>(images.all().stream().filter(match).toList());
        records.sort(Comparator.comparing((ImageRecord r) -> r.created() == null ? Instant.EPOCH : r.created())
                .reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImageRecord r : records) {
            out.add(views.summary(r, req.version()));
        }
        res.json(200, out);
    }

    private Predicate<ImageRecord> listFilter(Filters f) {
        Boolean dangling = f.bool("dangling", null);
        return r -> {
            List<Reference> names = images.names(r);
            boolean isDangling = names.stream().noneMatch(n -> n.digest() == null);
            if (dangling != null && dangling != isDangling) {
                return false;
            }
            if (f.has("reference") && names.stream().noneMatch(n -> f.get("reference").stream()
                    .anyMatch(p -> ReferenceGlob.matches(p, n)))) {
                return false;
            }
            try {
                var c = images.config(r).config();
                return f.matchesLabels("label", c == null ? null : c.labels());
            } catch (IOException e) {
                return false;
            }
        };
    }

    private void inspect(Request req, Response res) throws IOException {
        res.json(200, views.inspect(images.resolve(req.param("name")), req.version()));
    }

    private void history(Request req, Response res) throws IOException {
        res.json(200, views.history(images.resolve(req.param("name"))));
    }

    private void tag(Request req, Response res) throws IOException {
        String repo = req.query().get("repo").orElse("");
        String tag = req.query().get("tag").orElse("");
        if (repo.isEmpty()) {
            throw new InvalidArgumentException("repository name must have at least one component");
        }
        Reference target = reference(repo, tag);
        if (target.digest() != null) {
            throw new InvalidArgumentException("refusing to create a tag with a digest reference");
        }
        images.tag(req.param("name"), target);
        res.empty(201);
    }

    private void push(Request req, Response res) throws IOException {
        Reference repo = Reference.parse(req.param("name"));
        String tag = req.query().get("tag").orElse(repo.tag() == null ? "" : repo.tag());
        List<Reference> tags = pusher.tagsToPush(new Reference(repo.domain(), repo.path(), null, null), tag);
        try (OutputStream out = res.stream(200, "application/json")) {
            pusher.push(tags, credentials(req), new ProgressStream(out));
        }
    }

    private void remove(Request req, Response res) throws IOException {
        res.json(200, remover.remove(req.param("name"), req.flag("force", false)));
    }

    private void prune(Request req, Response res) throws IOException {
        Filters f = Filters.from(req, PRUNE_FILTERS);
        boolean danglingOnly = f.bool("dangling", true);
        Predicate<ImageRecord> labels = r -> {
            try {
                var c = images.config(r).config();
                return f.matchesLabels("label", c == null ? null : c.labels());
            } catch (IOException e) {
                return false;
            }
        };
        res.json(200, remover.prune(!danglingOnly, labels));
    }
}
