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
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Records an exit. Safe to call more than once for one run: only the first call acts. Whether the restart
     * policy restarts the container is decided here, under the lock, and written with the exit in one state
     * change (as dockerd's SetRestarting): a {@code docker stop} or {@code rm -f} racing with the exit then
     * either sees a container waiting for its restart, which it cancels, or none.
     */
    public void handle(Container c) {
        int code;
        boolean oom;
        boolean restart;
        c.lock().lock();
        try {
            ContainerState s = c.state();
            if (!s.running() && !s.paused()) {
                return;
            }
            code = ExitRecord.exitCode(c.paths().exitFile());
            oom = Cgroups.oomKilled(SpecInputs.cgroupsPath(c.record()));
            release(c);
            restart = RestartPolicy.shouldRestart(c.record().hostConfig().restartPolicy(), c.flags(), code);
            if (restart) {
                // counted when decided, as dockerd does: "restarting" with RestartCount N is the Nth restart's wait
                ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount() + 1, false, true));
            }
            Instant end = finishedAt(c.paths().exitFile());
            // the monitor may see a quick process end before the engine took the start time
            end = end.isBefore(s.startedAt()) ? s.startedAt() : end;
            ctx.store().saveState(c, s.exited(code, oom, end).restarting(restart));
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
        afterExit(c, restart);
    }

    /**
     * When the process ended, from the monitor's exit record: after an engine restart that can be long before
     * the engine noticed, and both FinishedAt and the restart back-off (how long the run lasted) need the real
     * time. Now, when the record is missing or unreadable.
     */
    static Instant finishedAt(Path exitFile) {
        try {
            if (Files.isRegularFile(exitFile)) {
                ExitRecord r = Json.read(Files.readAllBytes(exitFile), ExitRecord.class);
                if (r.finishedAt() != null) {
                    return Instant.parse(r.finishedAt());
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            log.debug("no exit time in {}: {}", exitFile, unreadable.toString());
        }
        return Instant.now();
    }

    private void afterExit(Container c, boolean restart) {
        try {
            if (restart) {
                scheduleRestart(c);
            } else if (c.record().hostConfig().isAutoRemove()) {
                followup.remove(c);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("after the exit of {}: {}", c.id(), e.toString());
        }
    }

    /**
     * Restarts after the back-off. The run it restarts is identified by its end time: if the user started the
     * container meanwhile and it exited again, a newer restart is pending and this one gives way to it.
     */
    private void scheduleRestart(Container c) {
        ContainerState exited = c.state();
        Duration delay = RestartPolicy.nextDelay(lastDelay.get(c.id()),
                Duration.between(exited.startedAt(), exited.finishedAt()));
        lastDelay.put(c.id(), delay);
        Thread.ofVirtual().name("restart-" + c.id().substring(0, 12)).start(() -> {
            try {
                Thread.sleep(delay);
                restartIfStillDue(c, exited.finishedAt());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * The check and the start hold the container lock together (it is reentrant; the start takes it too), so a
     * {@code docker stop} or {@code rm -f} either comes first and cancels the restart, or after it and stops
     * the new run. Without that, a removal in between had this thread write state into a deleted directory.
     * The status stays "restarting" until the process runs, as dockerd shows it, never "exited" in between.
     */
    private void restartIfStillDue(Container c, Instant runEnd) {
        c.lock().lock();
        try {
            ContainerState s = c.state();
            if (c.removed().isDone() || c.flags().stoppedByUser() || !s.restarting()
                    || !runEnd.equals(s.finishedAt())) {
                return;
            }
            followup.restart(c);
        } catch (IOException | RuntimeException e) {
            log.warn("restarting {} failed: {}", c.id(), e.toString());
            giveUp(c);
        } finally {
            c.lock().unlock();
        }
    }

    /** A restart that failed leaves the container exited (dockerd's SetStopped), not waiting forever. */
    private void giveUp(Container c) {
        try {
            if (c.state().restarting() && !c.removed().isDone()) {
                ctx.store().saveState(c, c.state().restarting(false));
            }
        } catch (IOException e) {
            log.warn("recording the failed restart of {}: {}", c.id(), e.toString());
        }
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

    /**
     * {@code docker start} and {@code restart}: as dockerd's ResetRestartManager, the back-off starts again at
     * 100 ms and RestartCount at 0 (so on-failure:N gets N new tries). Also called after a removal, when only
     * the in-memory back-off is forgotten.
     */
    public void reset(Container c) {
        lastDelay.remove(c.id());
        c.lock().lock();
        try {
            if (!c.removed().isDone() && !c.state().running() && c.flags().restartCount() != 0) {
                ctx.store().saveFlags(c, new Container.RunFlags(0, c.flags().stoppedByUser(),
                        c.flags().hasBeenStarted()));
            }
        } catch (IOException e) {
            log.warn("resetting the restart count of {}: {}", c.id(), e.toString());
        } finally {
            c.lock().unlock();
        }
    }
}
