package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.Signals;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.NotModifiedException;
import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code stop} (the stop signal, then SIGKILL after the timeout) and {@code kill}. Signals go straight to the
 * container's init with kill(2): faster than running the runtime, and the same effect. The container lock
 * is held only while signalling; the exit itself is handled by the ExitHandler, which needs the lock.
 */
public final class StopContainer {
    static final int DEFAULT_TIMEOUT = 10;

    private final ContainerContext ctx;

    public StopContainer(ContainerContext ctx) {
        this.ctx = ctx;
    }

    /** @param timeoutSeconds null: the container's StopTimeout or 10; negative: wait forever */
    public void stop(Container c, Integer timeoutSeconds, String signalName) throws IOException {
        int signal;
        c.lock().lock();
        try {
            if (c.state().restarting()) {
                cancelRestart(c);
                return;
            }
            if (!c.state().running()) {
                throw new NotModifiedException("container already stopped");
            }
            ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount(), true, true));
            signal = signalName != null && !signalName.isEmpty() ? Signals.parse(signalName) : stopSignal(c);
            if (c.state().paused()) {
                ctx.runtimes().get(c.record().runtime()).resume(c.id()); // frozen processes cannot handle signals
            }
            send(c, signal);
        } finally {
            c.lock().unlock();
        }
        int timeout = timeoutSeconds != null ? timeoutSeconds
                : c.record().config().stopTimeout() != null ? c.record().config().stopTimeout() : DEFAULT_TIMEOUT;
        if (!awaitExit(c, timeout) && c.state().running()) {
            send(c, Signals.KILL);
            awaitExit(c, 30);
        }
        ctx.events().publish(c, "stop");
    }

    /** Stopping a container that waits for a policy restart: it stays exited (the restart sees the flag). */
    private void cancelRestart(Container c) throws IOException {
        ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount(), true, true));
        ctx.store().saveState(c, c.state().restarting(false));
        ctx.events().publish(c, "stop");
    }

    /** {@code docker kill}: Docker's 409 when the container is not running. */
    public void kill(Container c, String signalName) throws IOException {
        int signal = signalName == null || signalName.isEmpty() ? Signals.KILL : Signals.parse(signalName);
        c.lock().lock();
        try {
            if (!c.state().running()) {
                throw new ConflictException("Cannot kill container: " + c.record().plainName() + ": Container "
                        + c.id() + " is not running");
            }
            if (signal == Signals.KILL || signal == Signals.TERM) {
                ctx.store().saveFlags(c, new Container.RunFlags(c.flags().restartCount(), true, true));
            }
            send(c, signal);
        } finally {
            c.lock().unlock();
        }
    }

    private void send(Container c, int signal) {
        long pid = c.state().pid();
        if (pid < 1) {
            return; // the exit was recorded meanwhile: there is no process left to signal
        }
        try {
            Linux.kill(pid, signal);
        } catch (ErrnoException e) {
            if (!e.is(Errno.ESRCH)) {
                throw new ConflictException("cannot signal container " + c.id() + ": " + e.getMessage());
            }
        }
        ctx.events().publish(c, "kill", Map.of("signal", Integer.toString(signal)));
    }

    /** Waits for the current run to end; false on timeout. */
    static boolean awaitExit(Container c, int seconds) {
        var exit = c.nextExit();
        if (!c.state().running()) {
            return true;
        }
        try {
            if (seconds < 0) {
                exit.get();
            } else {
                exit.get(seconds, TimeUnit.SECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private static int stopSignal(Container c) {
        String s = c.record().config().stopSignal();
        return s == null || s.isEmpty() ? Signals.TERM : Signals.parse(s);
    }
}
