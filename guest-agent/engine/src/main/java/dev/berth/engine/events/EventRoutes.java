package dev.berth.engine.events;

import dev.berth.engine.api.Filters;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /events}: replays recorded events since {@code since}, then streams live ones until
 * {@code until} (or forever), one JSON object per line, flushed as it happens.
 */
public final class EventRoutes {
    private final EventBus bus;

    public EventRoutes(EventBus bus) {
        this.bus = bus;
    }

    public void register(Router r) {
        r.get("/events", this::events);
    }

    private void events(Request req, Response res) throws IOException, InterruptedException {
        EventFilter filter = new EventFilter(Filters.from(req, EventFilter.NAMES));
        long now = nowNanos();
        long since = parseTime(req.query().get("since")).orElse(Long.MAX_VALUE);
        long until = parseTime(req.query().get("until")).orElse(Long.MAX_VALUE);
        try (EventBus.Subscription live = bus.subscribe(filter);
                OutputStream out = res.stream(200, "application/json")) {
            long last = -1;
            if (since != Long.MAX_VALUE) {
                for (Event e : bus.replay(since, until, filter)) {
                    write(out, e);
                    last = e.timeNano();
                }
            }
            if (until <= now) {
                return;
            }
            while (!live.overflowed()) {
                long waitMs = until == Long.MAX_VALUE ? 1000 : Math.max(1, (until - nowNanos()) / 1_000_000);
                Event e = live.poll(Math.min(waitMs, 1000));
                if (e != null && e.timeNano() > last && e.timeNano() <= until) {
                    write(out, e);
                } else if (e == null) {
                    out.flush(); // a write to a closed client fails here and ends the loop
                }
                if (nowNanos() >= until) {
                    return;
                }
            }
        }
    }

    private static void write(OutputStream out, Event e) throws IOException {
        byte[] json = Json.write(e);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        out.write(line);
    }

    /** Unix seconds with an optional fraction (what the CLI sends), or an RFC 3339 timestamp. */
    public static Optional<Long> parseTime(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        String v = value.get();
        try {
            if (v.matches("\\d+(\\.\\d{1,9})?")) {
                String[] parts = v.split("\\.");
                long nanos = parts.length > 1 ? Long.parseLong((parts[1] + "000000000").substring(0, 9)) : 0;
                return Optional.of(Long.parseLong(parts[0]) * 1_000_000_000L + nanos);
            }
            Instant t = Instant.parse(v);
            return Optional.of(t.getEpochSecond() * 1_000_000_000L + t.getNano());
        } catch (RuntimeException e) {
            throw new InvalidArgumentException("invalid time value " + v);
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
