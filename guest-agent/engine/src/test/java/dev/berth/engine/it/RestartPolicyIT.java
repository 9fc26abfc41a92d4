package dev.berth.engine.it;

import static dev.berth.engine.it.ContainerChecks.SERVICE;
import static dev.berth.engine.it.ContainerChecks.await;
import static dev.berth.engine.it.ContainerChecks.events;
import static dev.berth.engine.it.ContainerChecks.inspect;
import static dev.berth.engine.it.ContainerChecks.only;
import static dev.berth.engine.it.ContainerChecks.runDetached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.it.ContainerChecks.Ev;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.SharedFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Restart policies as a docker user sees them: which exits restart, how many times, with Docker's back-off
 * (100 ms doubling, read from the events' timestamps), what {@code stop}, {@code start} and {@code restart}
 * do to it, and what happens to each policy when the engine itself restarts.
 */
class RestartPolicyIT {
    static RegistryFixture registry;
    static EngineProcess engine;
    static DockerCli docker;
    static String busybox;

    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    @BeforeEach
    void fixture() {
        registry = ENV.get().registry;
        engine = ENV.get().engine;
        docker = engine.cli();
        busybox = registry.host() + "/busybox";
    }

    @AfterEach
    void removeContainers() throws Exception {
        if (engine != null) {
            ContainerChecks.removeAll(docker);
            ContainerChecks.assertNothingLeft(engine);
        }
    }

    static String statusAndCount(String id) throws Exception {
        return inspect(docker, id, "{{.State.Status}} {{.RestartCount}}");
    }

    static int restartCount(String id) throws Exception {
        return Integer.parseInt(inspect(docker, id, "{{.RestartCount}}"));
    }

    @Test
    void onFailureThreeRestartsThreeTimesWithDoublingDelaysThenStaysExited() throws Exception {
        Instant t0 = Instant.now();
        String id = runDetached(docker, List.of("--restart", "on-failure:3"), busybox, List.of("sh", "-c", "exit 3"));
        await("three restarts, then exited", Duration.ofSeconds(30), () -> statusAndCount(id).equals("exited 3"));
        assertEquals("3 false", inspect(docker, id, "{{.State.ExitCode}} {{.State.Restarting}}"));

        List<Ev> ev = events(docker, id, t0);
        List<Ev> starts = only(ev, "start");
        List<Ev> dies = only(ev, "die");
        assertEquals(4, starts.size(), "the first start and three restarts: " + ev);
        assertEquals(4, dies.size(), ev.toString());
        dies.forEach(d -> assertEquals("3", d.exitCode(), "every run exits 3"));
        for (int i = 0; i < 3; i++) {
            long expected = 100L << i;
            long waited = starts.get(i + 1).millisAfter(dies.get(i));
            assertTrue(waited >= expected, "restart " + (i + 1) + " waited " + waited + " ms, at least " + expected);
            assertTrue(waited < expected + 5000, "restart " + (i + 1) + " waited " + waited + " ms");
        }
    }

    @Test
    void onFailureIgnoresExitZeroAndAlwaysRestartsIt() throws Exception {
        String clean = runDetached(docker, List.of("--restart", "on-failure"), busybox, List.of("true"));
        String never = runDetached(docker, List.of("--restart", "no"), busybox, List.of("false"));
        String always = runDetached(docker, List.of("--restart", "always"), busybox, List.of("true"));
        // by the time "always" has restarted twice (100 + 200 ms of back-off), a restart of the others was due
        await("always restarts exit 0", Duration.ofSeconds(20), () -> restartCount(always) >= 2);
        assertEquals("exited 0 0", inspect(docker, clean, "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}"));
        assertEquals("exited 1 0", inspect(docker, never, "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}"));
    }

    @Test
    void stopKeepsAnAlwaysContainerStoppedAlsoInTheMiddleOfItsBackOff() throws Exception {
        String svc = runDetached(docker, List.of("--restart", "always"), busybox, SERVICE);
        docker.ok("stop", svc);
        assertEquals("exited 0", inspect(docker, svc, "{{.State.Status}} {{.State.ExitCode}}"));

        String flapping = runDetached(docker, List.of("--restart", "always"), busybox, List.of("sh", "-c", "exit 2"));
        // waiting for its fifth restart, the back-off is 1.6 s: a stop now lands in it
        await("waiting for the fifth restart", Duration.ofSeconds(30),
                () -> statusAndCount(flapping).equals("restarting 5"));
        Instant stopped = Instant.now();
        docker.ok("stop", flapping);
        int count = restartCount(flapping);
        assertEquals("exited false false 2", inspect(docker, flapping,
                "{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.ExitCode}}"));

        Thread.sleep(2000); // longer than the 1.6 s back-off that was pending: the restart would have happened
        assertEquals("exited " + count, statusAndCount(flapping), "no restart after docker stop");
        assertEquals("exited 0", statusAndCount(svc));
        assertEquals(List.of(), only(events(docker, flapping, stopped), "start"), "no start after the stop");
    }

    @Test
    void startAndRestartBeginTheBackOffAndTheCountAgain() throws Exception {
        Instant t0 = Instant.now();
        String id = runDetached(docker, List.of("--restart", "on-failure:4"), busybox, List.of("sh", "-c", "exit 1"));
        await("on-failure:4 exhausted", Duration.ofSeconds(30), () -> statusAndCount(id).equals("exited 4"));
        List<Ev> first = events(docker, id, t0);

        Instant t1 = Instant.now();
        docker.ok("start", id);
        await("exhausted again after docker start", Duration.ofSeconds(30),
                () -> only(events(docker, id, t1), "die").size() == 5 && statusAndCount(id).equals("exited 4"));
        List<Ev> second = events(docker, id, t1);
        assertEquals(5, only(second, "start").size(), "docker start gives on-failure:4 four new tries: " + second);

        long lastDelayBefore = only(first, "start").get(4).millisAfter(only(first, "die").get(3));
        long firstDelayAfter = only(second, "start").get(1).millisAfter(only(second, "die").get(0));
        assertTrue(lastDelayBefore >= 800, "the fourth restart waited 800 ms: " + lastDelayBefore + " ms");
        assertTrue(firstDelayAfter >= 100, firstDelayAfter + " ms");
        assertTrue(firstDelayAfter < 1600, "the back-off starts again at 100 ms (" + firstDelayAfter
                + " ms, start included) instead of doubling to 1600 ms");

        String slow = runDetached(docker, List.of("--restart", "always"), busybox,
                List.of("sh", "-c", "trap 'exit 0' TERM; usleep 600000; exit 1"));
        await("restarted three times", Duration.ofSeconds(30), () -> restartCount(slow) >= 3);
        int before = restartCount(slow);
        docker.ok("restart", slow);
        // each run lasts 0.6 s: counting up to the old value again would take seconds
        assertTrue(restartCount(slow) < before, "docker restart starts RestartCount again: " + statusAndCount(slow));
    }

    @Test
    void afterAnEngineRestartEachPolicyDoesWhatDockerDocuments() throws Exception {
        String always = runDetached(docker, List.of("--restart", "always"), busybox, SERVICE);
        String unless = runDetached(docker, List.of("--restart", "unless-stopped"), busybox, SERVICE);
        String onFailure = runDetached(docker, List.of("--restart", "on-failure"), busybox, SERVICE);
        String none = runDetached(docker, List.of(), busybox, SERVICE);
        docker.ok("stop", always, unless, onFailure, none);
        String unlessRunning = runDetached(docker, List.of("--restart", "unless-stopped"), busybox, SERVICE);
        String runningSince = inspect(docker, unlessRunning, "{{.State.StartedAt}} {{.State.Pid}}");
        String waiting = runDetached(docker, List.of("--restart", "on-failure"), busybox,
                List.of("sh", "-c", "exit 4"));
        // waiting for its sixth restart the back-off is 3.2 s: the engine goes away in the middle of it
        await("on-failure container in its back-off", Duration.ofSeconds(30),
                () -> statusAndCount(waiting).equals("restarting 6"));
        String dying = runDetached(docker, List.of("--restart", "always"), busybox,
                List.of("sh", "-c", "usleep 3000000; exit 3"));
        ProcessHandle dyingProcess = ContainerChecks.process(docker, dying);

        engine.kill9();
        await("the always container exits while the engine is down", Duration.ofSeconds(10),
                () -> !dyingProcess.isAlive());
        Instant launched = Instant.now();
        engine.launch();

        for (String back : List.of(always, dying, waiting)) {
            await(back + " started again", Duration.ofSeconds(20), () -> Instant.parse(inspect(docker, back,
                    "{{.State.StartedAt}}")).isAfter(launched));
        }
        assertEquals(runningSince, inspect(docker, unlessRunning, "{{.State.StartedAt}} {{.State.Pid}}"),
                "a running container is re-adopted, not restarted");
        for (String stays : List.of(unless, onFailure, none)) {
            assertEquals("exited", inspect(docker, stays, "{{.State.Status}}"), "stopped by the user: " + stays);
        }
        assertTrue(only(events(docker, dying, launched.minusSeconds(5)), "die").stream()
                .anyMatch(e -> e.exitCode().equals("3")), "the exit while the engine was down is reported");
    }

    static final List<String> POLICIES = List.of("always", "unless-stopped", "on-failure", "no");

    static String autoRemoveRequest(String image, String policy) {
        return "{\"Image\":\"" + image + "\",\"HostConfig\":{\"AutoRemove\":true,\"RestartPolicy\":{\"Name\":\""
                + policy + "\"}}}";
    }

    /** {@code --rm} with a restart policy: the CLI refuses it itself; the API refuses it with dockerd's words. */
    @Test
    void autoRemoveWithARestartPolicyIsRefused() throws Exception {
        var cli = docker.run("run", "--rm", "--restart", "always", busybox, "true");
        assertEquals(125, cli.exitCode());
        assertTrue(cli.stderr().contains("--restart and --rm"), cli.stderr());
        for (String policy : POLICIES) {
            ContainerChecks.Answer a = ContainerChecks.create(engine.dockerHost(), autoRemoveRequest(busybox, policy));
            if (policy.equals("no")) {
                assertEquals(201, a.status(), a.message());
            } else {
                assertEquals(new ContainerChecks.Answer(400, "can't create 'AutoRemove' container with restart policy"),
                        a, policy);
            }
        }
    }

    @Test
    void autoRemoveWithARestartPolicyIsAnsweredAsDockerdAnswersIt() throws Exception {
        Requirements.requireReferenceDockerd();
        try (ReferenceDockerd reference = ReferenceDockerd.start()) {
            reference.cli().ok("pull", "-q", busybox);
            for (String policy : POLICIES) {
                String request = autoRemoveRequest(busybox, policy);
                ContainerChecks.Answer theirs = ContainerChecks.create(reference.dockerHost(), request);
                ContainerChecks.Answer ours = ContainerChecks.create(engine.dockerHost(), request);
                assertEquals(theirs.status(), ours.status(), policy + ": dockerd " + theirs + ", berth " + ours);
                if (theirs.status() >= 400) {
                    assertEquals(theirs.message(), ours.message(), policy);
                }
            }
        }
    }
}
