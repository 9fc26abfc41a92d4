package dev.berth.engine.container.health;

import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's health check rules, without I/O: the probe command, its timing, and how one result changes the
 * container's health (moby daemon/health.go). Durations in the config are nanoseconds; 0 means default.
 */
public record HealthPolicy(List<String> command, Duration interval, Duration timeout, Duration startPeriod,
        Duration startInterval, int retries) {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_START_INTERVAL = Duration.ofSeconds(5);
    static final int DEFAULT_RETRIES = 3;
    /** Results kept in State.Health.Log. */
    static final int MAX_LOG = 5;
    /** Bytes of probe output kept per result. */
    static final int MAX_OUTPUT = 4096;

    public static final String STARTING = "starting";
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";

    /** The policy of a container, or null when it has no health check (none, or {@code NONE}). */
    public static HealthPolicy of(ContainerConfig c) {
        ContainerConfig.HealthConfig h = c.healthcheck();
        if (h == null || h.test() == null || h.test().isEmpty() || h.test().get(0).equals("NONE")) {
            return null;
        }
        List<String> cmd = switch (h.test().get(0)) {
            case "CMD" -> h.test().subList(1, h.test().size());
            case "CMD-SHELL" -> shell(c, String.join(" ", h.test().subList(1, h.test().size())));
            default -> null; // moby: an unknown test type means no probe
        };
        if (cmd == null || cmd.isEmpty()) {
            return null;
        }
        return new HealthPolicy(List.copyOf(cmd), nanos(h.interval(), DEFAULT_INTERVAL),
                nanos(h.timeout(), DEFAULT_TIMEOUT), nanos(h.startPeriod(), Duration.ZERO),
                nanos(h.startInterval(), DEFAULT_START_INTERVAL),
                h.retries() == null || h.retries() <= 0 ? DEFAULT_RETRIES : h.retries());
    }

    /** The health a container starts with: "starting", or none without a check. */
    public static ContainerState.Health initial(ContainerConfig c) {
        return of(c) == null ? null : new ContainerState.Health(STARTING, 0, List.of());
    }

    /**
     * How long to wait before the next probe: the start interval while the start period lasts and the container
     * has not been healthy yet, the interval otherwise (moby's getInterval).
     */
    Duration delay(Instant startedAt, Instant now, ContainerState.Health current) {
        boolean starting = current == null || STARTING.equals(current.status());
        return starting && inStartPeriod(startedAt, now) ? startInterval : interval;
    }

    boolean inStartPeriod(Instant startedAt, Instant at) {
        return !startPeriod.isZero() && Duration.between(startedAt, at).compareTo(startPeriod) < 0;
    }

    /**
     * The health after one result: success heals at once; failures count unless the start period excuses them
     * (judged by when the probe began, as moby does).
     */
    ContainerState.Health apply(ContainerState.Health before, ContainerState.HealthLog result, Instant startedAt) {
        ContainerState.Health h = before == null ? new ContainerState.Health(STARTING, 0, List.of()) : before;
        List<ContainerState.HealthLog> log = new ArrayList<>(h.log() == null ? List.of() : h.log());
        log.add(result);
        while (log.size() > MAX_LOG) {
            log.remove(0);
        }
        if (result.exitCode() == 0) {
            return new ContainerState.Health(HEALTHY, 0, log);
        }
        if (h.status().equals(STARTING) && inStartPeriod(startedAt, result.start())) {
            return new ContainerState.Health(h.status(), h.failingStreak(), log);
        }
        int streak = h.failingStreak() + 1;
        return new ContainerState.Health(streak >= retries ? UNHEALTHY : h.status(), streak, log);
    }

    /** The output Docker records for a probe that ran too long, with the timeout as Go prints it ("500ms"). */
    String timeoutOutput() {
        return "Health check exceeded timeout (" + GoDuration.format(timeout) + ")";
    }

    private static List<String> shell(ContainerConfig c, String script) {
        List<String> cmd = new ArrayList<>(c.shell() == null || c.shell().isEmpty() ? List.of("/bin/sh", "-c") : c.shell());
        cmd.add(script);
        return cmd;
    }

    private static Duration nanos(Long n, Duration fallback) {
        return n == null || n <= 0 ? fallback : Duration.ofNanos(n);
    }
}
