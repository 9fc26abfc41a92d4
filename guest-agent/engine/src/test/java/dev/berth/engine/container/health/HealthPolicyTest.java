package dev.berth.engine.container.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Docker's health rules (moby daemon/health.go) without running anything. */
class HealthPolicyTest {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    static ContainerConfig config(String healthcheckJson) {
        String json = "{\"Healthcheck\":" + healthcheckJson + "}";
        return Json.read(json.getBytes(StandardCharsets.UTF_8), ContainerConfig.class);
    }

    static ContainerState.HealthLog result(int code, long startMillis) {
        return new ContainerState.HealthLog(T0.plusMillis(startMillis), T0.plusMillis(startMillis + 10), code, "");
    }

    @Test
    void defaultsAreDockers() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD-SHELL\",\"curl -f localhost\"]}"));
        assertEquals(List.of("/bin/sh", "-c", "curl -f localhost"), p.command());
        assertEquals(Duration.ofSeconds(30), p.interval());
        assertEquals(Duration.ofSeconds(30), p.timeout());
        assertEquals(Duration.ZERO, p.startPeriod());
        assertEquals(Duration.ofSeconds(5), p.startInterval());
        assertEquals(3, p.retries());
    }

    @Test
    void noneOrAnEmptyTestMeansNoProbe() {
        assertNull(HealthPolicy.of(config("{\"Test\":[\"NONE\"]}")), "--no-healthcheck");
        assertNull(HealthPolicy.of(config("{\"Test\":[]}")));
        assertNull(HealthPolicy.of(config("{\"Test\":[\"CMD\"]}")));
        assertNull(HealthPolicy.initial(config("{\"Test\":[\"NONE\"]}")));
        assertEquals("starting", HealthPolicy.initial(config("{\"Test\":[\"CMD\",\"true\"]}")).status());
    }

    @Test
    void cmdIsExecutedDirectlyAndNanosecondsAreRead() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"test\",\"-f\",\"/ok\"],\"Interval\":200000000,"
                + "\"Timeout\":1500000000,\"Retries\":2}"));
        assertEquals(List.of("test", "-f", "/ok"), p.command());
        assertEquals(Duration.ofMillis(200), p.interval());
        assertEquals(Duration.ofMillis(1500), p.timeout());
        assertEquals(2, p.retries());
    }

    @Test
    void successHealsAtOnceAndFailuresBecomeUnhealthyAfterRetries() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"],\"Retries\":3}"));
        ContainerState.Health h = p.apply(null, result(1, 0), T0);
        assertEquals("starting", h.status());
        h = p.apply(h, result(1, 100), T0);
        assertEquals("starting", h.status());
        h = p.apply(h, result(1, 200), T0);
        assertEquals("unhealthy", h.status());
        assertEquals(3, h.failingStreak());
        h = p.apply(h, result(0, 300), T0);
        assertEquals("healthy", h.status());
        assertEquals(0, h.failingStreak());
        h = p.apply(h, result(2, 400), T0);
        assertEquals("healthy", h.status(), "one failure of a healthy container is not yet unhealthy");
        assertEquals(1, h.failingStreak());
    }

    @Test
    void theLogKeepsTheLastFiveResults() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"]}"));
        ContainerState.Health h = null;
        for (int i = 0; i < 8; i++) {
            h = p.apply(h, result(i % 2, i * 100L), T0);
        }
        assertEquals(5, h.log().size());
        assertEquals(T0.plusMillis(300), h.log().get(0).start());
    }

    @Test
    void theStartPeriodExcusesFailuresThatBeganInsideIt() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"],\"Retries\":1,\"StartPeriod\":2000000000}"));
        ContainerState.Health h = p.apply(null, result(1, 500), T0);
        assertEquals("starting", h.status());
        assertEquals(0, h.failingStreak(), "not counted");
        h = p.apply(h, new ContainerState.HealthLog(T0.plusMillis(1900), T0.plusMillis(2500), 1, ""), T0);
        assertEquals("starting", h.status(), "began inside the period, ended after it: still excused");
        h = p.apply(h, result(1, 2100), T0);
        assertEquals("unhealthy", h.status());
    }

    @Test
    void aSuccessInsideTheStartPeriodMakesItHealthyAndLaterFailuresCount() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"],\"Retries\":1,\"StartPeriod\":5000000000}"));
        ContainerState.Health h = p.apply(null, result(0, 100), T0);
        assertEquals("healthy", h.status());
        h = p.apply(h, result(1, 200), T0);
        assertEquals("unhealthy", h.status(), "only a starting container is excused");
    }

    @Test
    void theStartIntervalAppliesWhileStartingInsideTheStartPeriod() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"],\"Interval\":10000000000,"
                + "\"StartPeriod\":3000000000,\"StartInterval\":200000000}"));
        ContainerState.Health starting = new ContainerState.Health("starting", 0, List.of());
        ContainerState.Health healthy = new ContainerState.Health("healthy", 0, List.of());
        assertEquals(Duration.ofMillis(200), p.delay(T0, T0.plusSeconds(1), starting));
        assertEquals(Duration.ofMillis(200), p.delay(T0, T0.plusSeconds(1), null));
        assertEquals(Duration.ofSeconds(10), p.delay(T0, T0.plusSeconds(1), healthy), "healthy: the interval");
        assertEquals(Duration.ofSeconds(10), p.delay(T0, T0.plusSeconds(4), starting), "after the period");
        HealthPolicy noPeriod = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"],\"Interval\":10000000000}"));
        assertEquals(Duration.ofSeconds(10), noPeriod.delay(T0, T0, starting), "without a period: the interval");
    }

    @Test
    void theTimeoutTextIsDockers() {
        HealthPolicy p = HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"],\"Timeout\":500000000}"));
        assertEquals("Health check exceeded timeout (500ms)", p.timeoutOutput());
        assertEquals("Health check exceeded timeout (30s)",
                HealthPolicy.of(config("{\"Test\":[\"CMD\",\"x\"]}")).timeoutOutput());
    }

    @Test
    void durationsPrintAsGoPrintsThem() {
        assertEquals("0s", GoDuration.format(Duration.ZERO));
        assertEquals("750ns", GoDuration.format(Duration.ofNanos(750)));
        assertEquals("1.5µs", GoDuration.format(Duration.ofNanos(1500)));
        assertEquals("500ms", GoDuration.format(Duration.ofMillis(500)));
        assertEquals("1.25ms", GoDuration.format(Duration.ofNanos(1_250_000)));
        assertEquals("1s", GoDuration.format(Duration.ofSeconds(1)));
        assertEquals("1.5s", GoDuration.format(Duration.ofMillis(1500)));
        assertEquals("1m30s", GoDuration.format(Duration.ofSeconds(90)));
        assertEquals("1m0.5s", GoDuration.format(Duration.ofMillis(60_500)));
        assertEquals("1h0m0s", GoDuration.format(Duration.ofHours(1)));
        assertEquals("2h45m10s", GoDuration.format(Duration.ofSeconds(2 * 3600 + 45 * 60 + 10)));
        assertEquals("-2s", GoDuration.format(Duration.ofSeconds(-2)));
    }
}
