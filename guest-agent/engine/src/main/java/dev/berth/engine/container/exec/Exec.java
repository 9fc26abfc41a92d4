package dev.berth.engine.container.exec;

import dev.berth.engine.container.Container;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * One exec instance. Execs live in memory only, as in Docker: after an engine restart their IDs are gone,
 * though processes already running keep running under their monitors.
 */
public final class Exec {
    public enum Status { CREATED, RUNNING, EXITED }

    private final String id;
    private final Container container;
    private final ExecConfig config;
    private final boolean probe;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile Status status = Status.CREATED;
    private volatile long pid;
    private volatile int[] pendingSize;

    Exec(String id, Container container, ExecConfig config, boolean probe) {
        this.id = id;
        this.container = container;
        this.config = config;
        this.probe = probe;
    }

    public String id() {
        return id;
    }

    public Container container() {
        return container;
    }

    public ExecConfig config() {
        return config;
    }

    /** Whether the engine runs it for a health check (no client attaches; output is captured). */
    public boolean probe() {
        return probe;
    }

    public Status status() {
        return status;
    }

    public long pid() {
        return pid;
    }

    /** The exit code, or null while it has not exited. */
    public Integer exitCode() {
        return exit.isDone() ? exit.join() : null;
    }

    public CompletableFuture<Integer> exit() {
        return exit;
    }

    /** The monitor's file names for this exec; short so the socket path fits in sun_path (108 bytes). */
    String monitorName() {
        return id.substring(0, 16);
    }

    public Path socket() {
        return container.paths().monitorDir().resolve("exec-" + monitorName() + ".sock");
    }

    Path processFile() {
        return container.paths().monitorDir().resolve("exec-" + monitorName() + ".json");
    }

    Path pidFile() {
        return container.paths().monitorDir().resolve("exec-" + monitorName() + ".pid");
    }

    synchronized boolean markRunning() {
        if (status != Status.CREATED) {
            return false;
        }
        status = Status.RUNNING;
        return true;
    }

    void started(long processPid) {
        this.pid = processPid;
    }

    void exited(int code) {
        status = Status.EXITED;
        exit.complete(code);
    }

    /** A resize that arrived before the process had its terminal; applied once it has. */
    int[] pendingSize() {
        return pendingSize;
    }

    void setPendingSize(int height, int width) {
        pendingSize = new int[] {height, width};
    }
}
