package dev.berth.engine.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Publishes engine events to live subscribers and keeps the recent ones for {@code --since} replays.
 * Publishing never blocks on a slow subscriber: each has a bounded queue, and one that falls too far
 * behind is dropped (its stream ends) rather than stalling the engine.
 */
public final class EventBus {
    private static final int HISTORY = 4096;
    private static final int QUEUE = 10_000;

    private final Deque<Event> history = new ArrayDeque<>();
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();

    public void publish(Event e) {
        synchronized (history) {
            history.addLast(e);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        for (Subscription s : subscribers) {
            if (s.filter.test(e) && !s.queue.offer(e)) {
                s.overflowed = true;
                subscribers.remove(s);
            }
        }
    }

    /** Events already published with {@code timeNano >= sinceNanos} that pass {@code filter}. */
    public List<Event> replay(long sinceNanos, long untilNanos, Predicate<Event> filter) {
        List<Event> out = new ArrayList<>();
        synchronized (history) {
            for (Event e : history) {
                if (e.timeNano() >= sinceNanos && e.timeNano() <= untilNanos && filter.test(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    public Subscription subscribe(Predicate<Event> filter) {
        Subscription s = new Subscription(this, filter);
        subscribers.add(s);
        return s;
    }

    /** A live feed; close it when the client goes away. */
    public static final class Subscription implements AutoCloseable {
        private final EventBus bus;
        private final Predicate<Event> filter;
        private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>(QUEUE);
        private volatile boolean overflowed;

        private Subscription(EventBus bus, Predicate<Event> filter) {
            this.bus = bus;
            this.filter = filter;
        }

        /** The next event, or null after {@code timeoutMillis}. */
        public Event poll(long timeoutMillis) throws InterruptedException {
            return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        }

        public boolean overflowed() {
            return overflowed;
        }

        @Override
        public void close() {
            bus.subscribers.remove(this);
        }
    }
}
