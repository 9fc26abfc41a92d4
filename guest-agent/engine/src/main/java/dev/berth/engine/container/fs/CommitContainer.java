package dev.berth.engine.container.fs;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.lifecycle.PauseContainer;
import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.Reference;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /commit}: a new image from a container, as dockerd makes it. A running container is paused
 * for the duration (unless {@code pause=0}) so the layer is a consistent snapshot. The layer is the
 * container's writable layer with overlayfs markers turned into OCI whiteouts ({@link LayerTar}); a container
 * that changed nothing adds no layer, only a history entry marked {@code empty_layer}, as dockerd does. The
 * config is the container's merged with the request body and the {@code changes} ({@link CommitConfig}).
 * Blobs, the layer and the config are stored before the image record, the record before its name, and all
 * are leased against garbage collection until then.
 */
final class CommitContainer {
    private static final Logger log = LoggerFactory.getLogger(CommitContainer.class);

    /** What the API passes in; {@code config} is the optional body, {@code tag} the optional name. */
    record Request(String container, Reference tag, String author, String comment, List<String> changes,
            ContainerConfig config, boolean pause) {}

    private final ContainerContext ctx;
    private final ApplyOptions layerOptions;
    private final Leases leases;
    private final Path staging;

    CommitContainer(ContainerContext ctx, ApplyOptions layerOptions, Leases leases, Path staging) {
        this.ctx = ctx;
        this.layerOptions = layerOptions;
        this.leases = leases;
        this.staging = staging;
    }

    Digest commit(Request req) throws IOException {
        Container c = ctx.store().get(req.container());
        checkState(c);
        ImageService images = ctx.images();
        ImageRecord parent = images.find(c.record().imageId().toString())
                .orElseThrow(() -> new NotFoundException("No such image: " + c.record().imageId()));
        ContainerConfig config = CommitConfig.build(c.record().config(), req.config(), req.changes());
        boolean paused = pauseIfRunning(c, req.pause());
        CommitLayer layer;
        try {
            ContainerChanges.Result diff = ContainerChanges.compute(c.paths().upper(),
                    ContainerRoots.layerDirs(ctx, c));
            layer = CommitLayer.write(c.paths().upper(), diff.hidden(), staging, c.record().plainName());
        } finally {
            if (paused) {
                unpause(c);
            }
        }
        try {
            Digest id = register(c, parent, config, layer, req);
            publish(c, id, req);
            return id;
        } finally {
            Files.deleteIfExists(layer.file());
        }
    }

    /** dockerd's refusals, with its texts. */
    private static void checkState(Container c) {
        ContainerState s = c.state();
        if (s.dead()) {
            throw new ConflictException("You cannot commit container " + c.id() + " which is Dead");
        }
        if (ContainerState.REMOVING.equals(s.status())) {
            throw new ConflictException("You cannot commit container " + c.id() + " which is being removed");
        }
    }

    private Digest register(Container c, ImageRecord parent, ContainerConfig config, CommitLayer layer,
            Request req) throws IOException {
        ImageService images = ctx.images();
        ImageConfig base = images.config(parent);
        Instant now = Instant.now();
        List<Digest> diffIds = new ArrayList<>(parent.diffIds());
        List<ImageRecord.Layer> layers = new ArrayList<>(parent.layers());
        if (!layer.isEmpty()) {
            diffIds.add(layer.diffId());
            layers.add(layer.record());
        }
        List<ImageConfig.History> history = new ArrayList<>(base.history() == null ? List.of() : base.history());
        String created = PathStat.goTime(now.getEpochSecond(), now.getNano());
        history.add(new ImageConfig.History(created, String.join(" ", orEmpty(c.record().config().cmd())),
                req.author(), req.comment(), layer.isEmpty() ? Boolean.TRUE : null));
        byte[] json = Json.write(new CommitConfig.Image(base.architecture(), req.author(), config, c.id(),
                c.record().config(), created, history, base.os(), base.osVersion(),
                new ImageConfig.RootFs("layers", diffIds), base.variant()));
        Digest id = Digest.sha256(json);
        List<Digest> leased = layer.isEmpty() ? List.of(id) : List.of(id, layer.diffId(), layer.blob());
        try (Leases.Lease lease = leases.acquire(leased)) {
            long size = parent.size();
            if (!layer.isEmpty()) {
                Snapshot s = layer.store(images, layerOptions);
                size += s.size();
            }
            CommitLayer.ingest(images.content(), id, json.length, new ByteArrayInputStream(json));
            ImageRecord record = new ImageRecord(id, MediaTypes.DOCKER_CONFIG, null, null, null, layers,
                    parent.platform(), now, size, null);
            images.register(record, req.tag() == null ? List.of() : List.of(req.tag()));
        }
        return id;
    }

    private void publish(Container c, Digest id, Request req) {
        String ref = req.tag() == null ? "" : req.tag().familiarString();
        if (req.tag() != null) {
            ctx.images().publish("tag", id.toString(), Map.of("name", ref));
        }
        ctx.events().publish(c, "commit", Map.of("comment", orEmpty(req.comment()), "imageID", id.toString(),
                "imageRef", ref));
    }

    /** Pauses a running, unpaused container when asked; true if this call paused it. */
    private boolean pauseIfRunning(Container c, boolean pause) {
        ContainerState s = c.state();
        if (!pause || !s.running() || s.paused()) {
            return false;
        }
        try {
            new PauseContainer(ctx).pause(c, true);
            return true;
        } catch (IOException | EngineException e) {
            // dockerd ignores a failed pause too: the container may have stopped meanwhile, which is fine
            log.debug("commit of {}: not paused: {}", c.id(), e.toString());
            return false;
        }
    }

    private void unpause(Container c) {
        try {
            new PauseContainer(ctx).pause(c, false);
        } catch (IOException | EngineException e) {
            log.warn("commit of {}: unpausing failed: {}", c.id(), e.toString());
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }
}
