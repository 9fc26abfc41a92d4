package dev.berth.engine.container.health;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerEvents;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.exec.Exec;
import dev.berth.engine.container.exec.ExecConfig;
import dev.berth.engine.container.exec.ExecService;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.container.runtime.MonitorClient;
import dev.berth.engine.os.Linux;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a container's health probe as an exec, on a virtual thread per running container, and records each
 * result in its state ({@code State.Health}); a change of status is published as a
 * {@code health_status: <status>} event. The loop ends when the run it was started for ends.
 */
public final class HealthChecks {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
    private static final int SIGKILL = 9;

    private final ContainerStore store;
    private final ExecService execs;
    private final ContainerEvents events;

    public HealthChecks(ContainerStore store, ExecService execs, ContainerEvents events) {
        this.store = store;
        this.execs = execs;
        this.events = events;
    }

    /** Starts probing a container that has just started (or was re-adopted); a no-op without a check. */
    public void watch(Container c) {
        HealthPolicy policy = HealthPolicy.of(c.record().config());
        if (policy == null) {
            return;
        }
        Instant run = c.state().startedAt();
        Thread.ofVirtual().name("health-" + c.id().substring(0, 12)).start(() -> loop(c, policy, run));
    }

    private void loop(Container c, HealthPolicy policy, Instant run) {
        try {
            while (sameRun(c, run)) {
                Thread.sleep(policy.delay(run, Instant.now(), c.state().health()));
                if (!sameRun(c, run) || c.state().paused()) {
                    continue;
                }
                ContainerState.HealthLog result = probe(c, policy);
                record(c, policy, run, result);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean sameRun(Container c, Instant run) {
        return c.state().running() && run.equals(c.state().startedAt()) && !c.removed().isDone();
    }

    private void record(Container c, HealthPolicy policy, Instant run, ContainerState.HealthLog result) {
        String before;
        String after;
        c.lock().lock();
        try {
            if (!sameRun(c, run)) {
                return;
            }
            ContainerState s = c.state();
            before = s.health() == null ? null : s.health().status();
            ContainerState.Health h = policy.apply(s.health(), result, run);
            after = h.status();
            store.saveState(c, s.withHealth(h));
        } catch (IOException e) {
            log.warn("recording the health of {} failed: {}", c.id(), e.toString());
            return;
        } finally {
            c.lock().unlock();
        }
        if (!after.equals(before)) {
            events.publish(c, "health_status: " + after);
        }
    }

    /** One probe: exit code and the first 4 KiB of output; -1 when it could not run or ran too long. */
    ContainerState.HealthLog probe(Container c, HealthPolicy policy) {
        Instant start = Instant.now();
        Exec e;
        try {
            e = execs.create(c, ExecConfig.probe(policy.command()), true);
            execs.launch(e);
        } catch (IOException | RuntimeException failed) {
            return new ContainerState.HealthLog(start, Instant.now(), -1, failed.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SocketChannel ch = MonitorClient.attach(e.socket(), false, true, true)) {
            Thread reader = Thread.ofVirtual().start(() -> collect(ch, out));
            int code = e.exit().get(policy.timeout().toMillis(), TimeUnit.MILLISECONDS);
            reader.join(1000);
            return new ContainerState.HealthLog(start, Instant.now(), code, text(out));
        } catch (TimeoutException slow) {
            kill(e);
            return new ContainerState.HealthLog(start, Instant.now(), -1, policy.timeoutOutput());
        } catch (IOException | ExecutionException failed) {
            return new ContainerState.HealthLog(start, Instant.now(), -1, String.valueOf(failed.getMessage()));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            kill(e);
            return new ContainerState.HealthLog(start, Instant.now(), -1, "interrupted");
        }
    }

    /** Reads stdcopy frames into {@code out}, keeping at most {@link HealthPolicy#MAX_OUTPUT} bytes. */
    private static void collect(SocketChannel ch, ByteArrayOutputStream out) {
        ByteBuffer header = ByteBuffer.allocate(8);
        try {
            while (MonitorClient.readFully(ch, header.clear())) {
                ByteBuffer payload = ByteBuffer.allocate(header.getInt(4));
                if (!MonitorClient.readFully(ch, payload)) {
                    return;
                }
                synchronized (out) {
                    int room = HealthPolicy.MAX_OUTPUT - out.size();
                    out.write(payload.array(), 0, Math.max(0, Math.min(room, payload.remaining())));
                }
            }
        } catch (IOException closed) {
            // the probe ended or was killed
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void kill(Exec e) {
        try {
            if (e.pid() > 0) {
                Linux.kill(e.pid(), SIGKILL);
            }
        } catch (IOException gone) {
            // already exited
        }
    }
}
