package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.Signals;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.Trees;
import java.io.IOException;

/**
 * {@code docker rm}: a running container needs force (Docker's 409 text), which kills it first. Removal frees
 * everything the container had: runtime state, mount, monitor directory, logs and its writable layer.
 */
public final class RemoveContainer {
    private final ContainerContext ctx;
    private final ExitHandler exits;

    public RemoveContainer(ContainerContext ctx, ExitHandler exits) {
        this.ctx = ctx;
        this.exits = exits;
    }

    public void remove(Container c, boolean force, boolean volumes) throws IOException {
        if (c.state().running() || c.state().restarting()) {
            if (!force) {
                throw new ConflictException("You cannot remove a running container " + c.id()
                        + ". Stop the container before attempting removal or force remove");
            }
            killAndWait(c);
        }
        c.lock().lock();
        try {
            if (c.removed().isDone()) {
                return;
            }
            ctx.store().saveState(c, c.state().withStatus(ContainerState.REMOVING));
            ctx.attaches().takeFor(c.id()).forEach(a -> a.cancel());
            exits.release(c);
            Trees.delete(c.paths().monitorDir());
            ctx.store().remove(c);
            exits.reset(c);
        } finally {
            c.lock().unlock();
        }
        ctx.mounts().removed(c, volumes);
        ctx.events().publish(c, "destroy");
    }

    private void killAndWait(Container c) throws IOException {
        c.lock().lock();
        try {
            ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount(), true, true));
            if (c.state().restarting()) {
                ctx.store().saveState(c, c.state().restarting(false));
                return;
            }
            if (!c.state().running()) {
                return; // it exited while we waited for the lock: nothing to kill
            }
            if (c.state().paused()) {
                ctx.runtimes().get(c.record().runtime()).resume(c.id());
            }
            try {
                Linux.kill(c.state().pid(), Signals.KILL);
            } catch (IOException gone) {
                // already dead: the exit handler will record it
            }
        } finally {
            c.lock().unlock();
        }
        if (!StopContainer.awaitExit(c, 30)) {
            exits.handle(c); // the monitor is gone: record the exit ourselves
        }
    }
}
