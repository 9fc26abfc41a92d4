package dev.berth.engine.container.fs;

import dev.berth.engine.api.ErrorMapper;
import dev.berth.engine.api.Handler;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.NoSpaceException;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.errors.DiskFullException;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.Reference;
import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.oci.Digest;
import dev.berth.oci.tar.TarFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The container filesystem endpoints: {@code docker cp} (HEAD/GET/PUT {@code /containers/{id}/archive}),
 * {@code docker export}, {@code docker diff} ({@code /containers/{id}/changes}) and {@code docker commit}
 * ({@code POST /commit}). Every path inside a container is resolved in-root from a descriptor of the
 * container's root (see {@link ContainerRoots}); nothing here ever opens a host path built from a container
 * path.
 */
public final class ContainerFsRoutes {
    /** Limits when the engine passes none: those of image layers (64 GiB, 2 million entries, 256 MiB free). */
    private static final ApplyOptions DEFAULT_LIMITS = ApplyOptions.layer(64L << 30, 256L << 20);

    private final ContainerContext ctx;
    private final ContainerRoots roots;
    private final ArchiveGet get;
    private final ArchivePut put;
    private final ExportContainer export;
    private final CommitContainer commit;

    /** With the default limits and leases of its own (a commit's layer is then not leased against image GC). */
    public ContainerFsRoutes(ContainerContext ctx) {
        this(ctx, DEFAULT_LIMITS, new Leases());
    }

    /**
     * @param layerLimits the engine's layer limits ({@code --max-layer-mb}, free-space reserve), for cp uploads
     *                    and commit layers
     * @param leases      the engine's leases, which image GC honours: a commit's blobs and layer are leased
     *                    until its image is registered
     */
    public ContainerFsRoutes(ContainerContext ctx, ApplyOptions layerLimits, Leases leases) {
        this.ctx = ctx;
        this.roots = new ContainerRoots(ctx);
        Path staging = ctx.root().resolve("tmp");
        MountRules mounts = new MountRules(ctx);
        this.get = new ArchiveGet(ctx, roots, mounts);
        this.put = new ArchivePut(ctx, roots, mounts, layerLimits, staging);
        this.export = new ExportContainer(ctx, roots);
        this.commit = new CommitContainer(ctx, layerLimits, leases, staging);
    }

    public void register(Router r) {
        r.head("/containers/{name}/archive", headOnly(guarded((req, res) -> get.stat(req.param("name"), path(req),
                res))));
        r.get("/containers/{name}/archive", guarded((req, res) -> get.archive(req.param("name"), path(req), res)));
        r.put("/containers/{name}/archive", guarded(this::extract));
        r.get("/containers/{name}/export", guarded((req, res) -> export.export(req.param("name"), res)));
        r.get("/containers/{name}/changes", guarded(this::changes));
        r.post("/commit", guarded(this::commit));
    }

    private void extract(Request req, Response res) throws IOException {
        // moby: overwriting a directory with a file (and the reverse) is allowed unless the flag says otherwise
        boolean noOverwrite = req.query().has("noOverwriteDirNonDir") && req.flag("noOverwriteDirNonDir", false);
        put.extract(req.param("name"), path(req), noOverwrite, req.flag("copyUIDGID", false), req.body());
        res.empty(200);
    }

    private void changes(Request req, Response res) throws IOException {
        var c = ctx.store().get(req.param("name"));
        var result = ContainerChanges.compute(c.paths().upper(), ContainerRoots.layerDirs(ctx, c));
        // dockerd encodes "no changes" as null, not []
        res.json(200, result.changes().isEmpty() ? null : result.changes());
    }

    private void commit(Request req, Response res) throws IOException {
        String repo = req.query().get("repo").orElse("");
        ContainerConfig body = req.json(ContainerConfig.class);
        CommitContainer.Request r = new CommitContainer.Request(req.query().get("container").orElse(""),
                tag(repo, req.query().get("tag").orElse("")), req.query().get("author").orElse(""),
                req.query().get("comment").orElse(""), req.query().all("changes"), body,
                req.flag("pause", true));
        Digest id = commit.commit(r);
        res.json(201, Map.of("Id", id.toString()));
    }

    /** moby's RepoTagReference: no repo, no name (the tag alone is ignored); a repo without tag means latest. */
    static Reference tag(String repo, String tag) {
        if (repo.isEmpty()) {
            return null;
        }
        Reference ref = Reference.parse(repo);
        if (ref.digest() != null) {
            throw new InvalidArgumentException("cannot import digest reference");
        }
        if (!tag.isEmpty()) {
            return Reference.parse(ref.repository() + ":" + tag);
        }
        return ref.tag() == null ? ref.withTag(Reference.DEFAULT_TAG) : ref;
    }

    /** moby's ArchiveFormValues. */
    private static String path(Request req) {
        String path = req.query().get("path").orElse("");
        if (path.isEmpty()) {
            throw new InvalidArgumentException("bad parameter: path cannot be empty");
        }
        return path;
    }

    /**
     * I/O failures become API errors while the status can still be sent; the API layer treats a bare
     * IOException as a vanished client and would answer nothing. Once the body has started, the connection
     * is cut instead (the client then sees a truncated tar, not a silently short one).
     */
    private static Handler guarded(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (IOException e) {
                if (res.committed()) {
                    throw e;
                }
                throw translate(e);
            }
        };
    }

    /**
     * A HEAD response has no body, errors included (RFC 9110; dockerd's Go server drops it): a JSON error
     * body after a HEAD head would be read by a keep-alive client as the start of its next response.
     */
    private static Handler headOnly(Handler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (EngineException e) {
                if (res.committed()) {
                    throw e;
                }
                res.empty(ErrorMapper.status(e));
            }
        };
    }

    static RuntimeException translate(IOException e) {
        return switch (e) {
            case NoSpaceException x -> new DiskFullException(x.getMessage());
            case ArchiveException x -> new InvalidArgumentException("invalid archive: " + x.getMessage(), x);
            case TarFormatException x -> new InvalidArgumentException("invalid archive: " + x.getMessage(), x);
            case EOFException x -> new InvalidArgumentException("invalid archive: unexpected end of data", x);
            case ErrnoException x when x.is(Errno.ENOSPC) || x.is(Errno.EDQUOT) ->
                    new DiskFullException(x.getMessage());
            default -> new SystemException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        };
    }
}
