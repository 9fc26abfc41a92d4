package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.errors.ConflictException;
import java.io.IOException;

/** {@code pause}/{@code unpause}: the runtime freezes and thaws the container's cgroup. */
public final class PauseContainer {
    private final ContainerContext ctx;

    public PauseContainer(ContainerContext ctx) {
        this.ctx = ctx;
    }

    public void pause(Container c, boolean pause) throws IOException {
        c.lock().lock();
        try {
            String name = c.record().plainName();
            if (!c.state().running()) {
                throw new ConflictException("Container " + c.id() + " is not running");
            }
            if (pause && c.state().paused()) {
                throw new ConflictException("Container " + c.id() + " is already paused");
            }
            if (!pause && !c.state().paused()) {
                throw new ConflictException("Container " + name + " is not paused");
            }
            var runtime = ctx.runtimes().get(c.record().runtime());
            if (pause) {
                runtime.pause(c.id());
            } else {
                runtime.resume(c.id());
            }
            ctx.store().saveState(c, c.state().paused(pause));
        } finally {
            c.lock().unlock();
        }
        ctx.events().publish(c, pause ? "pause" : "unpause");
    }
}
