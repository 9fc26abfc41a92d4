package dev.berth.testkit.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One programmed misbehaviour of a {@link FaultyRegistryProxy}: requests whose method and path (without the
 * query) match get {@link #action()} instead of a faithful pass-through, either for the first {@code n} such
 * requests or forever. Made with {@link FaultyRegistryProxy#on(String, String)}.
 */
public final class Fault {
    /** How a matching request is answered. */
    public sealed interface Action permits Respond, CutAfter, IgnoreRange, CorruptBody, Truncate, Delay {}

    /** A canned answer; the upstream is not asked. {@code headers} come out exactly as given. */
    public record Respond(int status, String contentType, byte[] body, Map<String, String> headers)
            implements Action {}

    /**
     * The true head, then only {@code fraction} of the body, then the connection is closed. The close is a FIN
     * after the partial body is flushed, not an RST: a reset may make the kernel discard bytes still queued,
     * and tests count exactly how many arrived. To the client it is a premature end of the body either way.
     */
    public record CutAfter(double fraction) implements Action {}

    /** A ranged request is forwarded without its Range, so the client gets 200 and the whole body. */
    public record IgnoreRange() implements Action {}

    /** The middle byte of the body is inverted: same length, wrong digest. */
    public record CorruptBody() implements Action {}

    /** Only the first half of the body, with a Content-Length that honestly says so. */
    public record Truncate() implements Action {}

    /** A pass-through that waits first. */
    public record Delay(Duration delay) implements Action {}

    private final String method;
    private final Pattern path;
    private final Action action;
    private final AtomicInteger remaining;
    private final AtomicInteger hits = new AtomicInteger();

    private Fault(String method, Pattern path, Action action, int times) {
        this.method = method;
        this.path = path;
        this.action = action;
        this.remaining = new AtomicInteger(times);
    }

    public Action action() {
        return action;
    }

    /** How many requests this fault has been applied to so far. */
    public int hits() {
        return hits.get();
    }

    /** Whether this fault applies to the request and, if so, takes one of its uses. */
    boolean claim(String requestMethod, String requestPath, boolean hasRange) {
        if (!matches(method, path, requestMethod, requestPath) || (action instanceof IgnoreRange && !hasRange)) {
            return false;
        }
        // permanent faults count down from a negative number and never reach zero
        int left = remaining.getAndUpdate(n -> n == 0 ? 0 : n - 1);
        if (left == 0) {
            return false;
        }
        hits.incrementAndGet();
        return true;
    }

    static boolean matches(String method, Pattern path, String requestMethod, String requestPath) {
        return (method.equals("*") || method.equalsIgnoreCase(requestMethod)) && path.matcher(requestPath).matches();
    }

    @Override
    public String toString() {
        String times = remaining.get() < 0 ? "always" : "left " + remaining.get();
        return action.getClass().getSimpleName() + "(" + method + " " + path + ", " + times + ")";
    }

    /** Chooses the requests (how many) and then the misbehaviour, which installs the fault. */
    public static final class Builder {
        private final String method;
        private final Pattern path;
        private final Consumer<Fault> install;
        private int times = -1;

        Builder(String method, String pathRegex, Consumer<Fault> install) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = Pattern.compile(pathRegex);
            this.install = install;
        }

        /** Only the first {@code n} matching requests; later ones pass through. */
        public Builder times(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("a fault needs at least one use, got " + n);
            }
            this.times = n;
            return this;
        }

        public Builder once() {
            return times(1);
        }

        /** Every matching request, until {@link FaultyRegistryProxy#clearFaults()} (the default). */
        public Builder always() {
            this.times = -1;
            return this;
        }

        public Fault respond(int status, String contentType, String body) {
            return respond(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public Fault respond(int status, String contentType, String body, Map<String, String> headers) {
            return respond(status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
        }

        /** {@code contentType} may be null for none; {@code headers} e.g. WWW-Authenticate, Docker-Content-Digest. */
        public Fault respond(int status, String contentType, byte[] body, Map<String, String> headers) {
            return add(new Respond(status, contentType, body.clone(), new LinkedHashMap<>(headers)));
        }

        /** {@code fraction} in [0, 1): how much of the body gets through before the connection drops. */
        public Fault cutAfter(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("cut fraction must be in [0, 1), got " + fraction);
            }
            return add(new CutAfter(fraction));
        }

        /** Applies only to requests that carry a Range header. */
        public Fault ignoreRange() {
            return add(new IgnoreRange());
        }

        public Fault corruptBody() {
            return add(new CorruptBody());
        }

        public Fault truncate() {
            return add(new Truncate());
        }

        public Fault delay(Duration delay) {
            return add(new Delay(Objects.requireNonNull(delay, "delay")));
        }

        private Fault add(Action action) {
            Fault f = new Fault(method, path, action, times);
            install.accept(f);
            return f;
        }
    }
}
