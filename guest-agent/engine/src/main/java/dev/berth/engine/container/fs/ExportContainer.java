package dev.berth.engine.container.fs;

import dev.berth.engine.api.Response;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.errors.ConflictException;
import dev.berth.oci.tar.TarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code GET /containers/{id}/export} ({@code docker export}): the container's whole filesystem as one tar,
 * i.e. its image layers with its writable layer on top, read through the overlay mount; never its volumes or
 * bind mounts, nor the contents of /proc and /sys (the overlay mount in the engine's namespace has none of
 * the container's mounts). Members are named relative to the root without {@code ./}, as dockerd's are.
 */
final class ExportContainer {
    private static final int BUFFER = 64 * 1024;

    private final ContainerContext ctx;
    private final ContainerRoots roots;

    ExportContainer(ContainerContext ctx, ContainerRoots roots) {
        this.ctx = ctx;
        this.roots = roots;
    }

    void export(String ref, Response res) throws IOException {
        Container c = ctx.store().get(ref);
        checkState(c);
        OutputStream body;
        try (MountedRoot view = roots.layers(c)) {
            body = res.lazyStream(200, "application/octet-stream");
            OutputStream buffered = new BufferedOutputStream(body, BUFFER);
            TarWriter tar = new TarWriter(buffered);
            new TreeTar(tar, st -> false).addChildren(view.root().fd(), "");
            tar.finish();
            buffered.flush();
        }
        // The body ends only after the overlay is unmounted and the container unlocked: when docker export
        // returns, the next command on the container does not wait on us.
        body.close();
        ctx.events().publish(c, "export");
    }

    /** dockerd's refusals, with its texts. */
    private static void checkState(Container c) {
        ContainerState s = c.state();
        if (s.dead()) {
            throw new ConflictException("You cannot export container " + c.id() + " which is Dead");
        }
        if (ContainerState.REMOVING.equals(s.status())) {
            throw new ConflictException("You cannot export container " + c.id() + " which is being removed");
        }
    }
}
