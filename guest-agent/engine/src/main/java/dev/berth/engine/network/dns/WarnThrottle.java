package dev.berth.engine.network.dns;

import java.util.concurrent.atomic.AtomicLong;

/** Lets one warning through per interval, so a flood of bad queries or a dead upstream cannot flood the log. */
final class WarnThrottle {
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private final AtomicLong last = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    /** True at most once per ten seconds: warn then; log at debug level otherwise. */
    boolean allow() {
        long now = System.nanoTime();
        long previous = last.get();
        return now - previous >= INTERVAL_NANOS && last.compareAndSet(previous, now);
    }
}
