package dev.berth.engine.network.ports;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads the TCP relay blocks in. splice, accept and poll are native calls, and a virtual
 * thread in a native call pins its carrier (two carriers on a two-core machine: two busy connections would
 * stall every virtual thread of the engine). Threads are pooled, since a connection needs two and a
 * thread start costs about as much as the rest of the connection set-up, and have small stacks: a relay
 * loop is a few frames deep, and a busy port can hold thousands of them.
 */
final class RelayThreads {
    private static final long STACK = 256 * 1024;
    private static final ThreadFactory WORKERS =
            Thread.ofPlatform().name("port-relay-", 0).daemon().stackSize(STACK).factory();
    private static final ExecutorService POOL = new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), WORKERS);

    private RelayThreads() {}

    /** Runs {@code task} on a pooled relay thread (a new one when all are busy). */
    static void run(Runnable task) {
        POOL.execute(task);
    }

    /** A dedicated thread for one listener's accept loop, which lives as long as the listener. */
    static Thread startAcceptor(String name, Runnable loop) {
        return Thread.ofPlatform().name(name).daemon().stackSize(STACK).start(loop);
    }
}
