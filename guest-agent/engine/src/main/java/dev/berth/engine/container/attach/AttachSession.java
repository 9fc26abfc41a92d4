package dev.berth.engine.container.attach;

import dev.berth.engine.container.runtime.MonitorClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One client's attach (or exec stream): relays the monitor's output to the hijacked HTTP connection and the
 * client's stdin to the monitor. Non-TTY output stays in Docker's 8-byte frames; TTY output is raw. The
 * client half-closing its side means "no more stdin", never "stop sending output". On a terminal, the
 * detach keys (ctrl-p ctrl-q by default) end the session without touching the process.
 */
public final class AttachSession {
    private static final byte[] DEFAULT_DETACH = {0x10, 0x11};

    private final InputStream clientIn;
    private final OutputStream clientOut;
    private final boolean tty;
    private final boolean stdin;
    private final boolean stdout;
    private final boolean stderr;
    private final byte[] detachKeys;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile SocketChannel monitor;
    private volatile boolean outputEnded;

    public AttachSession(InputStream clientIn, OutputStream clientOut, boolean tty, boolean stdin, boolean stdout,
            boolean stderr, String detachKeys) {
        this.clientIn = clientIn;
        this.clientOut = clientOut;
        this.tty = tty;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.detachKeys = DetachKeys.parse(detachKeys, DEFAULT_DETACH);
    }

    /** Connects to the monitor and starts relaying; returns at once. */
    public void connect(Path monitorSocket) throws IOException {
        monitor = MonitorClient.attach(monitorSocket, stdin, stdout, stderr);
        Thread.ofVirtual().name("attach-out").start(this::pumpOut);
        if (stdin) {
            Thread.ofVirtual().name("attach-in").start(this::pumpIn);
        }
    }

    /** Ends a session that never got connected (its container was removed first). */
    public void cancel() {
        done.complete(null);
    }

    /** Blocks until the stream ends: process exit, client gone, or detach. */
    public void await() throws InterruptedException {
        try {
            done.get();
        } catch (ExecutionException e) {
            // ended by an I/O error on either side: nothing more to relay
        }
    }

    /** True if the session ended because the process did (not a detach, not the client leaving). */
    public boolean outputEnded() {
        return outputEnded;
    }

    private void pumpOut() {
        try (SocketChannel ch = monitor) {
            ByteBuffer header = ByteBuffer.allocate(8);
            while (MonitorClient.readFully(ch, header.clear())) {
                int length = header.getInt(4);
                ByteBuffer payload = ByteBuffer.allocate(length);
                if (!MonitorClient.readFully(ch, payload)) {
                    break;
                }
                if (!tty) {
                    clientOut.write(header.array());
                }
                clientOut.write(payload.array());
                clientOut.flush();
            }
            outputEnded = true; // the monitor ends attach streams only after the process exited
        } catch (IOException clientOrMonitorGone) {
            // either end closed; the session is over
        } finally {
            done.complete(null);
        }
    }

    private void pumpIn() {
        byte[] buf = new byte[8192];
        // as dockerd: detach keys only act on a terminal; piped stdin is passed on byte for byte
        DetachScanner scanner = new DetachScanner(tty ? detachKeys : new byte[0]);
        try {
            int n;
            while ((n = clientIn.read(buf)) > 0) {
                byte[] forward = scanner.feed(buf, 0, n);
                write(forward, 0, forward.length);
                if (scanner.detached()) {
                    done.complete(null);
                    monitor.close();
                    return;
                }
            }
            monitor.shutdownOutput(); // client's EOF: the monitor closes the process's stdin if stdin-once
        } catch (IOException gone) {
            // the session ends through pumpOut
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        ByteBuffer out = ByteBuffer.wrap(b, off, len);
        while (out.hasRemaining()) {
            monitor.write(out);
        }
    }
}
