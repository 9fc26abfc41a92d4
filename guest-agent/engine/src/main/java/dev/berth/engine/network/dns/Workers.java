package dev.berth.engine.network.dns;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The virtual threads of one server that do slow work (forwarding, TCP clients): closing interrupts them all. */
final class Workers {
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Runs {@code job} on a new virtual thread; false (and nothing runs) once closed. */
    boolean start(String name, Runnable job) {
        if (closed) {
            return false;
        }
        Thread worker = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                job.run();
            } finally {
                running.remove(Thread.currentThread());
            }
        });
        running.add(worker);
        worker.start();
        return true;
    }

    boolean closed() {
        return closed;
    }

    /** No new workers; those running are interrupted, which closes the sockets they are blocked on. */
    void close() {
        closed = true;
        running.forEach(Thread::interrupt);
    }

    /**
     * Waits up to {@code millis} for the workers to finish. A thread still inside a send on the server's
     * socket keeps that socket bound until it leaves, so close() waits for them to free the port.
     */
    void await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (Thread t : running) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !t.join(Duration.ofMillis(left))) {
                return;
            }
        }
    }

    int running() {
        return running.size();
    }
}
