package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.container.runtime.MonitorClient;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engine start: containers outlive the engine (their monitors own them), so each one the store says was
 * running is re-adopted if its monitor answers, or its exit is recorded from exit.json if it ended while
 * the engine was away. Then restart policies that apply at engine start run.
 */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final ContainerContext ctx;
    private final ExitHandler exits;
    private final StartContainer starter;

    public Recovery(ContainerContext ctx, ExitHandler exits, StartContainer starter) {
        this.ctx = ctx;
        this.exits = exits;
        this.starter = starter;
    }

    /** Re-adopts running containers and records exits that happened while the engine was away. */
    public void adopt() {
        for (Container c : ctx.store().all()) {
            try {
                recover(c);
            } catch (IOException | RuntimeException e) {
                log.warn("recovering container {}: {}", c.id(), e.toString());
            }
        }
    }

    /** Starts the containers whose restart policy says so at engine start ("always", "unless-stopped"). */
    public void applyRestartPolicies() {
        for (Container c : ctx.store().all()) {
            if (!c.state().running() && c.flags().hasBeenStarted()
                    && RestartPolicy.restartsOnEngineStart(c.record().hostConfig().restartPolicy(), c.flags())) {
                try {
                    starter.start(c);
                } catch (IOException | RuntimeException e) {
                    log.warn("restart policy of {} could not start it: {}", c.id(), e.toString());
                }
            }
        }
    }

    private void recover(Container c) throws IOException {
        ContainerState s = c.state();
        if (s.status().equals(ContainerState.REMOVING)) {
            log.info("finishing the removal of {}", c.id());
            exits.release(c);
            ctx.store().remove(c);
            return;
        }
        if (s.restarting()) {
            ctx.store().saveState(c, s.restarting(false));
        }
        if (!s.running()) {
            return;
        }
        String status;
        try {
            status = MonitorClient.call(c.paths().monitorSocket(), "STATUS");
        } catch (IOException monitorGone) {
            status = Files.exists(c.paths().exitFile()) ? "EXITED" : "LOST";
        }
        if (status.startsWith("RUNNING") || status.startsWith("CREATED")) {
            log.info("re-adopted running container {}", c.id());
            exits.watch(c);
        } else {
            if (status.equals("LOST")) {
                log.warn("the monitor of {} is gone without an exit record; marking it exited", c.id());
            }
            exits.handle(c);
        }
    }
}
