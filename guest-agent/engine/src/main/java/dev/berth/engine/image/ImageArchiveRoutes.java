package dev.berth.engine.image;

import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotImplementedException;
import dev.berth.engine.image.archive.ImageArchives;
import dev.berth.engine.image.progress.ProgressStream;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** {@code docker save} (GET /images/get), {@code docker load} (POST /images/load), {@code docker import}. */
public final class ImageArchiveRoutes {
    private final ImageArchives archives;

    public ImageArchiveRoutes(ImageArchives archives) {
        this.archives = archives;
    }

    public void register(Router r) {
        r.get("/images/get", this::saveMany);
        r.post("/images/load", this::load);
        r.get("/images/{name*}/get", this::saveOne);
    }

    private void saveMany(Request req, Response res) throws IOException {
        List<String> names = req.query().all("names");
        if (names.isEmpty()) {
            throw new InvalidArgumentException("no images to save: give names=...");
        }
        save(names, res);
    }

    private void saveOne(Request req, Response res) throws IOException {
        save(List.of(req.param("name")), res);
    }

    private void save(List<String> names, Response res) throws IOException {
        OutputStream out = res.lazyStream(200, "application/x-tar");
        archives.save(names, out); // unknown names fail here, before the head: a proper 404
        out.close();
    }

    private void load(Request req, Response res) throws IOException {
        OutputStream out = res.stream(200, "application/json");
        ProgressStream progress = new ProgressStream(out);
        try {
            for (String line : archives.load(req.body())) {
                progress.stream(line + "\n");
            }
        } catch (EngineException | IOException e) {
            progress.error(e.getMessage());
        }
        out.close();
    }

    /** {@code POST /images/create?fromSrc=-}: the request body is the root filesystem tar. */
    void importImage(Request req, Response res) throws IOException {
        String src = req.query().get("fromSrc").orElse("-");
        if (!src.equals("-")) {
            throw new NotImplementedException("importing from a URL is not supported; pipe the file instead: "
                    + "docker import - < rootfs.tar");
        }
        String repo = req.query().get("repo").orElse("");
        Reference tag = repo.isEmpty() ? null : ImageRoutes.reference(repo, req.query().get("tag").orElse(""));
        Digest id = archives.importRootfs(req.body(), req.query().all("changes"),
                req.query().get("message").orElse(null), tag);
        try (OutputStream out = res.stream(200, "application/json")) {
            new ProgressStream(out).status(id.toString());
        }
    }
}
