package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.container.runtime.MonitorClient;
import dev.berth.engine.os.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Containers that waited for a policy restart when the engine went away: that restart is still owed. */
    private final Set<String> owedRestarts = ConcurrentHashMap.newKeySet();

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

    /**
     * Starts the containers whose restart policy says so at engine start ("always", "unless-stopped"), and those
     * whose back-off was cut short by the engine going away (any policy). As dockerd, a start at engine start
     * begins a fresh RestartCount. Containers that exited while the engine was away are already being restarted
     * by the exit handler, with their back-off.
     */
    public void applyRestartPolicies() {
        for (Container c : ctx.store().all()) {
            ContainerState s = c.state();
            if (s.running() || s.restarting() || !c.flags().hasBeenStarted() || c.removed().isDone()) {
                continue;
            }
            boolean owed = owedRestarts.remove(c.id()) && !c.flags().stoppedByUser();
            if (owed || RestartPolicy.restartsOnEngineStart(c.record().hostConfig().restartPolicy(), c.flags())) {
                try {
                    exits.reset(c);
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
            Trees.delete(c.paths().monitorDir());
            ctx.store().remove(c);
            return;
        }
        if (s.restarting()) {
            owedRestarts.add(c.id());
            ctx.store().saveState(c, s.restarting(false));
        }
        if (!s.running()) {
            undoInterruptedStart(c);
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

    /**
     * A start the engine did not finish (it died between mounting the root filesystem and recording the run)
     * leaves a mount, and perhaps a monitor with a created or even running process that nothing records. The
     * store is the truth: the container did not start, so that run is ended and its resources freed, and the
     * next {@code docker start} begins cleanly.
     */
    private void undoInterruptedStart(Container c) throws IOException {
        boolean monitor = ExitHandler.monitorAlive(c.paths());
        if (!monitor && !OverlayRootfs.isMounted(c.paths().rootfs())) {
            return;
        }
        log.warn("undoing an interrupted start of {} (monitor running: {})", c.id(), monitor);
        exits.release(c); // the runtime's forced delete kills the process; its monitor then exits on its own
    }
}
