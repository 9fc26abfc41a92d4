package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.ContainerPaths;
import dev.berth.engine.container.NetworkSetup;
import dev.berth.engine.container.SpecInputs;
import dev.berth.engine.container.cgroup.Cgroups;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.container.runtime.ExitRecord;
import dev.berth.engine.container.runtime.MonitorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that a container's process ended (its monitor answers WAIT, or has already written exit.json),
 * records the exit, frees what the run held (runtime state, cgroup, network, overlay mount), and applies
 * {@code --rm} and the restart policy.
 */
public final class ExitHandler {
    private static final Logger log = LoggerFactory.getLogger(ExitHandler.class);

    /** Restarts or removes containers; supplied by the service that owns those verbs. */
    public interface Followup {
        void restart(Container c) throws IOException;

        void remove(Container c) throws IOException;
    }

    private final ContainerContext ctx;
    private final NetworkSetup network;
    private final Map<String, Duration> lastDelay = new ConcurrentHashMap<>();
    private volatile Followup followup;
    private final List<Consumer<Container>> runWatchers = new CopyOnWriteArrayList<>();

    public ExitHandler(ContainerContext ctx, NetworkSetup network) {
        this.ctx = ctx;
        this.network = network;
    }

    public void setFollowup(Followup f) {
        this.followup = f;
    }

    /** Adds something else to start for every running container, such as health probes. */
    public void addRunWatcher(Consumer<Container> w) {
        runWatchers.add(w);
    }

    /**
     * Waits (on a virtual thread) for the container's process to end, then handles the exit; starts the run
     * watchers. Called when a container starts and when a running one is re-adopted after an engine restart.
     */
    public void watch(Container c) {
        runWatchers.forEach(w -> w.accept(c));
        Thread.ofVirtual().name("exit-" + c.id().substring(0, 12)).start(() -> {
            while (true) {
                try {
                    MonitorClient.waitExit(c.paths().monitorSocket());
                    break;
                } catch (IOException e) {
                    // The monitor exits right after answering; a failed connection means it has exited (then
                    // exit.json is there), or it died, or it was busy. Only the last case is worth a retry.
                    if (Files.exists(c.paths().exitFile()) || !monitorAlive(c.paths())) {
                        break;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
            handle(c);
        });
    }

    static boolean monitorAlive(ContainerPaths p) {
        try {
            long pid = Long.parseLong(Files.readString(p.monitorDir().resolve("monitor.pid")).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Records an exit. Safe to call more than once for one run: only the first call acts. */
    public void handle(Container c) {
        int code;
        boolean oom;
        c.lock().lock();
        try {
            ContainerState s = c.state();
            if (!s.running() && !s.paused()) {
                return;
            }
            code = ExitRecord.exitCode(c.paths().exitFile());
            oom = Cgroups.oomKilled(SpecInputs.cgroupsPath(c.record()));
            release(c);
            ctx.store().saveState(c, s.exited(code, oom, Instant.now()));
        } catch (IOException e) {
            log.error("recording the exit of {} failed", c.id(), e);
            return;
        } finally {
            c.lock().unlock();
        }
        if (oom) {
            ctx.events().publish(c, "oom");
        }
        ctx.events().publish(c, "die", Map.of("exitCode", Integer.toString(code)));
        c.exited(new Container.Exit(code, oom));
        afterExit(c, code);
    }

    private void afterExit(Container c, int code) {
        Duration ran = Duration.between(c.state().startedAt(), c.state().finishedAt());
        try {
            if (RestartPolicy.shouldRestart(c.record().hostConfig().restartPolicy(), c.flags(), code)) {
                scheduleRestart(c, ran);
            } else if (c.record().hostConfig().isAutoRemove()) {
                followup.remove(c);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("after the exit of {}: {}", c.id(), e.toString());
        }
    }

    private void scheduleRestart(Container c, Duration lastRun) throws IOException {
        Duration delay = RestartPolicy.nextDelay(lastDelay.get(c.id()), lastRun);
        lastDelay.put(c.id(), delay);
        ctx.store().saveState(c, c.state().restarting(true));
        Thread.ofVirtual().name("restart-" + c.id().substring(0, 12)).start(() -> {
            try {
                Thread.sleep(delay);
                if (c.removed().isDone() || c.flags().stoppedByUser() || !c.state().restarting()) {
                    return;
                }
                ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount() + 1, false, true));
                ctx.store().saveState(c, c.state().restarting(false));
                followup.restart(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                log.warn("restarting {} failed: {}", c.id(), e.toString());
            }
        });
    }

    /** Frees the run's runtime state, network and mount; logs problems, never fails the exit. */
    void release(Container c) {
        try {
            ctx.runtimes().get(c.record().runtime()).delete(c.id(), true);
        } catch (IOException | RuntimeException e) {
            log.warn("runtime cleanup of {}: {}", c.id(), e.toString());
        }
        network.release(c);
        try {
            OverlayRootfs.unmount(c.paths());
        } catch (IOException e) {
            log.warn("unmounting the root filesystem of {}: {}", c.id(), e.toString());
        }
    }

    /** Forgets a container's restart back-off (it was started or removed by the user). */
    public void reset(Container c) {
        lastDelay.remove(c.id());
    }
}
