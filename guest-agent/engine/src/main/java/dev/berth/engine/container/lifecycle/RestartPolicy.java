package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.model.HostConfig;
import java.time.Duration;

/**
 * Docker's restart policies and timing (moby restartmanager): the delay starts at 100 ms and doubles with
 * every restart up to one minute; a run of at least 10 seconds resets it. A container the user stopped is
 * not restarted by "always" or "unless-stopped" until it is started again (or, for "always", the engine
 * restarts).
 */
public final class RestartPolicy {
    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofMinutes(1);
    static final Duration RESET_AFTER = Duration.ofSeconds(10);

    private RestartPolicy() {}

    /** Whether a container that just exited with {@code code} should be restarted. */
    public static boolean shouldRestart(HostConfig.RestartPolicy p, Container.RunFlags flags, int code) {
        String name = p == null || p.name() == null ? "" : p.name();
        return switch (name) {
            case "always", "unless-stopped" -> !flags.stoppedByUser();
            case "on-failure" -> code != 0 && !flags.stoppedByUser()
                    && (p.maximumRetryCount() == null || p.maximumRetryCount() == 0
                            || flags.restartCount() < p.maximumRetryCount());
            default -> false;
        };
    }

    /** Whether the policy restarts the container when the engine itself starts. */
    public static boolean restartsOnEngineStart(HostConfig.RestartPolicy p, Container.RunFlags flags) {
        String name = p == null || p.name() == null ? "" : p.name();
        return name.equals("always") || (name.equals("unless-stopped") && !flags.stoppedByUser());
    }

    /** The delay before the next restart, given the previous delay and how long the last run lasted. */
    public static Duration nextDelay(Duration previous, Duration lastRun) {
        if (previous == null || lastRun.compareTo(RESET_AFTER) >= 0) {
            return FIRST_DELAY;
        }
        Duration doubled = previous.multipliedBy(2);
        return doubled.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : doubled;
    }
}
