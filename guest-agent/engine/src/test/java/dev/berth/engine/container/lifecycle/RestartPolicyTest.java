package dev.berth.engine.container.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.model.HostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's restart rules (moby restartmanager) and the exit time the exit handler takes from exit.json. */
class RestartPolicyTest {
    static final Container.RunFlags RAN = new Container.RunFlags(0, false, true);
    static final Container.RunFlags STOPPED_BY_USER = new Container.RunFlags(0, true, true);

    static HostConfig.RestartPolicy policy(String name, int max) {
        return new HostConfig.RestartPolicy(name, max);
    }

    static Container.RunFlags restarted(int n) {
        return new Container.RunFlags(n, false, true);
    }

    @Test
    void noPolicyNeverRestarts() {
        assertFalse(RestartPolicy.shouldRestart(null, RAN, 1));
        assertFalse(RestartPolicy.shouldRestart(policy("", 0), RAN, 1));
        assertFalse(RestartPolicy.shouldRestart(policy("no", 0), RAN, 137));
    }

    @Test
    void alwaysAndUnlessStoppedRestartAnyExitButNotAUserStop() {
        for (String name : new String[] {"always", "unless-stopped"}) {
            assertTrue(RestartPolicy.shouldRestart(policy(name, 0), RAN, 0), name + " restarts exit 0");
            assertTrue(RestartPolicy.shouldRestart(policy(name, 0), restarted(1000), 3), name + " has no limit");
            assertFalse(RestartPolicy.shouldRestart(policy(name, 0), STOPPED_BY_USER, 143), name + " after stop");
        }
    }

    @Test
    void onFailureRestartsNonZeroExitsUpToTheLimit() {
        HostConfig.RestartPolicy three = policy("on-failure", 3);
        assertFalse(RestartPolicy.shouldRestart(three, RAN, 0), "exit 0 is not a failure");
        assertTrue(RestartPolicy.shouldRestart(three, restarted(0), 1));
        assertTrue(RestartPolicy.shouldRestart(three, restarted(2), 1));
        assertFalse(RestartPolicy.shouldRestart(three, restarted(3), 1), "three restarts, then it stays exited");
        assertTrue(RestartPolicy.shouldRestart(policy("on-failure", 0), restarted(500), 2), "0: unlimited");
        assertFalse(RestartPolicy.shouldRestart(three, STOPPED_BY_USER, 143), "docker stop is not a failure to retry");
    }

    @Test
    void atEngineStartAlwaysComesBackAndUnlessStoppedOnlyIfTheUserDidNotStopIt() {
        assertTrue(RestartPolicy.restartsOnEngineStart(policy("always", 0), STOPPED_BY_USER));
        assertTrue(RestartPolicy.restartsOnEngineStart(policy("unless-stopped", 0), RAN));
        assertFalse(RestartPolicy.restartsOnEngineStart(policy("unless-stopped", 0), STOPPED_BY_USER));
        assertFalse(RestartPolicy.restartsOnEngineStart(policy("on-failure", 0), RAN), "docs: not at daemon start");
        assertFalse(RestartPolicy.restartsOnEngineStart(policy("no", 0), RAN));
        assertFalse(RestartPolicy.restartsOnEngineStart(null, RAN));
    }

    @Test
    void delayStartsAt100msDoublesAndIsCappedAtOneMinute() {
        Duration quick = Duration.ofMillis(50);
        Duration d = RestartPolicy.nextDelay(null, quick);
        assertEquals(Duration.ofMillis(100), d);
        d = RestartPolicy.nextDelay(d, quick);
        assertEquals(Duration.ofMillis(200), d);
        d = RestartPolicy.nextDelay(d, quick);
        assertEquals(Duration.ofMillis(400), d);
        for (int i = 0; i < 20; i++) {
            d = RestartPolicy.nextDelay(d, quick);
        }
        assertEquals(Duration.ofMinutes(1), d);
        assertEquals(Duration.ofMinutes(1), RestartPolicy.nextDelay(Duration.ofSeconds(40), quick), "capped");
    }

    @Test
    void aRunOfTenSecondsResetsTheDelay() {
        assertEquals(Duration.ofMillis(100), RestartPolicy.nextDelay(Duration.ofSeconds(30), Duration.ofSeconds(10)));
        assertEquals(Duration.ofSeconds(60), RestartPolicy.nextDelay(Duration.ofSeconds(30), Duration.ofMillis(9999)));
    }

    @Test
    void exitTimeComesFromTheMonitorsRecord(@TempDir Path dir) throws IOException {
        Path exit = dir.resolve("exit.json");
        Files.writeString(exit, "{\"exitCode\":7,\"signal\":null,\"finishedAt\":\"2026-11-22T10:00:00.123456789Z\"}");
        assertEquals(Instant.parse("2026-11-22T10:00:00.123456789Z"), ExitHandler.finishedAt(exit));

        Instant before = Instant.now();
        assertFalse(ExitHandler.finishedAt(dir.resolve("missing.json")).isBefore(before), "no record: now");
        Files.writeString(exit, "{\"exitCode\":7");
        assertFalse(ExitHandler.finishedAt(exit).isBefore(before), "a torn record: now");
    }
}
