package dev.berth.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.engine.container.model.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The texts docker ps prints verbatim: STATUS and COMMAND. */
class ContainerViewsTest {
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void statusTexts() {
        ContainerState created = ContainerState.created();
        assertEquals("Created", ContainerViews.statusText(created, NOW));
        ContainerState up = created.started(42, NOW.minusSeconds(24), null);
        assertEquals("Up 24 seconds", ContainerViews.statusText(up, NOW));
        assertEquals("Up 24 seconds (Paused)", ContainerViews.statusText(up.paused(true), NOW));
        assertEquals("Up 2 minutes (health: starting)", ContainerViews.statusText(
                created.started(42, NOW.minus(Duration.ofMinutes(2)), new ContainerState.Health("starting", 0, List.of())), NOW));
        assertEquals("Exited (137) 2 seconds ago", ContainerViews.statusText(up.exited(137, false, NOW.minusSeconds(2)), NOW));
        assertEquals("Restarting (1) Less than a second ago",
                ContainerViews.statusText(up.exited(1, false, NOW).restarting(true), NOW));
    }

    @Test
    void humanDurationsAsGo() {
        assertEquals("Less than a second", HumanDuration.of(Duration.ofMillis(900)));
        assertEquals("1 second", HumanDuration.of(Duration.ofSeconds(1)));
        assertEquals("About a minute", HumanDuration.of(Duration.ofSeconds(80)));
        assertEquals("About an hour", HumanDuration.of(Duration.ofMinutes(70)));
        assertEquals("3 days", HumanDuration.of(Duration.ofHours(80)));
    }

    @Test
    void argumentsWithSpacesAreQuoted() {
        var r = new dev.berth.engine.container.model.ContainerRecord("a".repeat(64), "/n", NOW, "busybox", null,
                "sh", List.of("-c", "i=0; echo $i"), null, null, null, null, "runc");
        assertEquals("sh -c 'i=0; echo $i'", ContainerViews.command(r));
    }
}
