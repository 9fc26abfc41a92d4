package dev.berth.engine.container.exec;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.ContainerNames;
import dev.berth.engine.container.lifecycle.StartErrors;
import dev.berth.engine.container.runtime.ExitRecord;
import dev.berth.engine.container.runtime.MonitorClient;
import dev.berth.engine.container.runtime.MonitorLauncher;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code docker exec}: each exec runs under its own monitor (exec mode), which starts the process with the
 * runtime, keeps its first output until a client attaches, and records the exit. The engine remembers execs
 * in memory, and forgets exited ones after a while, as dockerd does.
 */
public final class ExecService {
    private static final Logger log = LoggerFactory.getLogger(ExecService.class);
    /** How long an exited exec stays inspectable (clients read its exit code once, right after the end). */
    private static final Duration KEEP_EXITED = Duration.ofMinutes(5);

    private final ContainerContext ctx;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();
    private final Map<String, Instant> exitedAt = new ConcurrentHashMap<>();

    public ExecService(ContainerContext ctx) {
        this.ctx = ctx;
    }

    public Exec create(Container c, ExecConfig cfg, boolean probe) {
        if (cfg == null || cfg.cmd() == null || cfg.cmd().isEmpty()) {
            throw new InvalidArgumentException("No exec command specified");
        }
        checkRunning(c);
        sweep();
        Exec e = new Exec(ContainerNames.newId(), c, cfg, probe);
        execs.put(e.id(), e);
        ctx.events().publish(c, "exec_create: " + String.join(" ", cfg.cmd()), Map.of("execID", e.id()));
        return e;
    }

    public Exec get(String id) {
        Exec e = execs.get(id);
        if (e == null) {
            throw new NotFoundException("No such exec instance: " + id);
        }
        return e;
    }

    /** The IDs of a container's execs that have not exited, for inspect's {@code ExecIDs}. */
    public List<String> running(Container c) {
        return execs.values().stream().filter(e -> e.container() == c && e.status() != Exec.Status.EXITED)
                .map(Exec::id).toList();
    }

    /**
     * Starts the process and returns once it runs. A runtime refusal ({@code executable file not found})
     * becomes the exec's exit code (127/126) and an exception with the runtime's words.
     */
    public void launch(Exec e) throws IOException {
        if (!e.markRunning()) {
            throw new ConflictException("Error: Exec command " + e.id()
                    + (e.status() == Exec.Status.RUNNING ? " is already running" : " has already run"));
        }
        Container c = e.container();
        try {
            checkRunning(c);
            Files.write(e.processFile(), ExecProcess.json(c, e.config()));
            ctx.monitors().exec(c.id(), e.monitorName(), e.processFile(), ctx.runtimes().get(c.record().runtime()),
                    c.paths().monitorDir(), new MonitorLauncher.Stdio(e.config().isTty(), e.config().stdin(), true));
        } catch (MonitorLauncher.LaunchFailure f) {
            String msg = "OCI runtime exec failed: " + f.getMessage() + ": unknown";
            finish(e, 126); // dockerd reports 126 for every exec that could not start, missing or not
            throw StartErrors.exception(msg);
        } catch (IOException | RuntimeException failure) {
            finish(e, 126);
            throw failure;
        } finally {
            Files.deleteIfExists(e.processFile());
        }
        e.started(readPid(e));
        applyPendingSize(e);
        ctx.events().publish(c, "exec_start: " + String.join(" ", e.config().cmd()), Map.of("execID", e.id()));
        Thread.ofVirtual().name("exec-exit-" + e.monitorName()).start(() -> awaitExit(e));
    }

    /** {@code POST /exec/{id}/resize}: applied now, or when the process has its terminal. */
    public void resize(Exec e, int height, int width) throws IOException {
        synchronized (e) {
            if (e.status() != Exec.Status.RUNNING || e.pid() == 0) {
                e.setPendingSize(height, width);
                return;
            }
        }
        if (e.config().isTty()) {
            MonitorClient.call(e.socket(), "RESIZE " + height + " " + width);
        }
    }

    /** Forgets a removed container's execs. */
    public void forget(Container c) {
        execs.values().removeIf(e -> e.container() == c);
    }

    private void applyPendingSize(Exec e) throws IOException {
        int[] size;
        synchronized (e) {
            size = e.pendingSize();
        }
        if (size != null && e.config().isTty()) {
            MonitorClient.call(e.socket(), "RESIZE " + size[0] + " " + size[1]);
        }
    }

    private void awaitExit(Exec e) {
        int code;
        try {
            code = MonitorClient.waitExit(e.socket());
        } catch (IOException monitorGone) {
            code = ExitRecord.exitCode(e.container().paths().monitorDir()
                    .resolve("exec-" + e.monitorName() + ".exit.json"));
        }
        finish(e, code);
    }

    private void finish(Exec e, int code) {
        e.exited(code);
        exitedAt.put(e.id(), Instant.now());
        ctx.events().publish(e.container(), "exec_die", Map.of("execID", e.id(), "exitCode", Integer.toString(code)));
    }

    private static long readPid(Exec e) {
        try {
            return Long.parseLong(Files.readString(e.pidFile()).trim());
        } catch (IOException | NumberFormatException notWritten) {
            log.debug("no pid file for exec {}: {}", e.id(), notWritten.toString());
            return 0;
        }
    }

    private void sweep() {
        Instant cutoff = Instant.now().minus(KEEP_EXITED);
        exitedAt.entrySet().removeIf(en -> {
            if (en.getValue().isBefore(cutoff)) {
                execs.remove(en.getKey());
                return true;
            }
            return false;
        });
    }

    static void checkRunning(Container c) {
        if (c.state().paused()) {
            throw new ConflictException("Container " + c.id() + " is paused, unpause the container before exec");
        }
        if (!c.state().running() || c.state().restarting()) {
            throw new ConflictException("Container " + c.id() + " is not running");
        }
    }
}
