package dev.berth.engine.container.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The {@code State} of a container, as persisted and as inspect shows it. Immutable: every transition makes
 * a new value, written atomically before it becomes visible.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ContainerState(
        @JsonProperty("Status") String status,
        @JsonProperty("Running") boolean running,
        @JsonProperty("Paused") boolean paused,
        @JsonProperty("Restarting") boolean restarting,
        @JsonProperty("OOMKilled") boolean oomKilled,
        @JsonProperty("Dead") boolean dead,
        @JsonProperty("Pid") long pid,
        @JsonProperty("ExitCode") int exitCode,
        @JsonProperty("Error") String error,
        @JsonProperty("StartedAt") Instant startedAt,
        @JsonProperty("FinishedAt") Instant finishedAt,
        @JsonProperty("Health") @JsonInclude(JsonInclude.Include.NON_NULL) Health health) {

    public static final String CREATED = "created";
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String RESTARTING = "restarting";
    public static final String REMOVING = "removing";
    public static final String EXITED = "exited";
    public static final String DEAD = "dead";

    /** Go's zero time, which Docker prints for "never". */
    public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    /** Health check results; {@code status} is starting, healthy or unhealthy. */
    public record Health(@JsonProperty("Status") String status, @JsonProperty("FailingStreak") int failingStreak,
            @JsonProperty("Log") List<HealthLog> log) {}

    public record HealthLog(@JsonProperty("Start") Instant start, @JsonProperty("End") Instant end,
            @JsonProperty("ExitCode") int exitCode, @JsonProperty("Output") String output) {}

    public static ContainerState created() {
        return new ContainerState(CREATED, false, false, false, false, false, 0, 0, "", ZERO, ZERO, null);
    }

    public ContainerState started(long newPid, Instant at, Health initialHealth) {
        return new ContainerState(RUNNING, true, false, false, false, false, newPid, 0, "", at, finishedAt,
                initialHealth);
    }

    public ContainerState exited(int code, boolean oom, Instant at) {
        return new ContainerState(EXITED, false, false, false, oom, false, 0, code, "", startedAt, at,
                health == null ? null : new Health("unhealthy", health.failingStreak(), health.log()));
    }

    /**
     * A start that failed before the process ran: as dockerd, the status stays what it was ("created" for a
     * container that never ran), with the exit code and the error recorded.
     */
    public ContainerState failed(String message, int code) {
        String s = status.equals(CREATED) ? CREATED : EXITED;
        return new ContainerState(s, false, false, false, false, false, 0, code, message, startedAt, finishedAt,
                health);
    }

    public ContainerState paused(boolean p) {
        return new ContainerState(p ? PAUSED : RUNNING, running, p, restarting, oomKilled, dead, pid, exitCode,
                error, startedAt, finishedAt, health);
    }

    /** Waiting for a restart-policy restart (true), or no longer (false: back to running or exited). */
    public ContainerState restarting(boolean r) {
        String s = r ? RESTARTING : running ? (paused ? PAUSED : RUNNING) : EXITED;
        return new ContainerState(s, running, paused, r, oomKilled, dead, pid, exitCode, error, startedAt,
                finishedAt, health);
    }

    public ContainerState withStatus(String s) {
        return new ContainerState(s, running, paused, restarting, oomKilled, s.equals(DEAD), pid, exitCode, error,
                startedAt, finishedAt, health);
    }

    public ContainerState withHealth(Health h) {
        return new ContainerState(status, running, paused, restarting, oomKilled, dead, pid, exitCode, error,
                startedAt, finishedAt, h);
    }
}
