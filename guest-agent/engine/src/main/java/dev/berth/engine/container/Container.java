package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.ContainerState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One container in memory: its record, its current state, and what waits on it. Lifecycle operations
 * on a container take its {@link #lock()} (so start and stop never interleave); reads of record and state
 * are lock-free (both are immutable values swapped atomically), so listing never waits on a container that
 * is busy starting.
 */
public final class Container {
    /** How a run ended, for {@code wait} and restart policies. */
    public record Exit(int code, boolean oomKilled) {}

    private final ContainerPaths paths;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ContainerRecord record;
    private volatile ContainerState state;
    private volatile RunFlags flags;
    private volatile CompletableFuture<Exit> nextExit = new CompletableFuture<>();
    private final CompletableFuture<Void> removed = new CompletableFuture<>();

    /**
     * Facts about past runs that policies need: how often it was restarted, and whether the user stopped it
     * (Docker: "unless-stopped" and "always" do not revive a container the user stopped).
     */
    public record RunFlags(int restartCount, boolean stoppedByUser, boolean hasBeenStarted) {
        public static RunFlags fresh() {
            return new RunFlags(0, false, false);
        }
    }

    Container(ContainerPaths paths, ContainerRecord record, ContainerState state, RunFlags flags) {
        this.paths = paths;
        this.record = record;
        this.state = state;
        this.flags = flags;
    }

    public String id() {
        return record.id();
    }

    public ContainerRecord record() {
        return record;
    }

    public ContainerState state() {
        return state;
    }

    public RunFlags flags() {
        return flags;
    }

    public ContainerPaths paths() {
        return paths;
    }

    public ReentrantLock lock() {
        return lock;
    }

    void setRecord(ContainerRecord r) {
        this.record = r;
    }

    void setState(ContainerState s) {
        this.state = s;
    }

    void setFlags(RunFlags f) {
        this.flags = f;
    }

    /** Completes when the current (or next, if not running) run ends. */
    public CompletableFuture<Exit> nextExit() {
        return nextExit;
    }

    /** Called at exit: completes the waiters of this run and arms a fresh future for the next one. */
    public void exited(Exit e) {
        CompletableFuture<Exit> done = nextExit;
        nextExit = new CompletableFuture<>();
        done.complete(e);
    }

    public CompletableFuture<Void> removed() {
        return removed;
    }

    void markRemoved() {
        removed.complete(null);
    }
}
