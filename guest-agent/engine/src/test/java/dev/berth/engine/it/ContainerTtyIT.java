package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interactive containers in a real terminal (tmux), as the issue's acceptance tries them: {@code docker run
 * -it busybox sh}, arithmetic, window resizes reaching {@code stty size}, the exit status passed back, and
 * ctrl-p ctrl-q detaching with {@code docker attach} re-attaching.
 */
class ContainerTtyIT {
    static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerTtyIT::startWithTmux);
    static ContainerEngine env;
    static Map<String, String> dockerHost;

    @BeforeEach
    void fixture() {
        env = ENV.get();
        dockerHost = Map.of("DOCKER_HOST", env.engine.dockerHost());
    }

    static ContainerEngine startWithTmux() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Processes.which("tmux").isPresent(),
                "tmux is not installed (scripts/setup test installs it)");
        return ContainerEngine.start();
    }

    @Test
    void anInteractiveShellComputesResizesAndExitsWithItsStatus() throws Exception {
        try (Tmux t = Tmux.start("docker run -it --rm busybox sh", dockerHost, 100, 30)) {
            t.waitFor(s -> s.contains("/ #"), WAIT);
            t.type("echo $((6*7))");
            assertTrue(t.waitFor(s -> s.contains("\n42"), WAIT).contains("\n42"), t.screen());
            t.type("stty size");
            assertTrue(t.waitFor(s -> s.contains("30 100"), WAIT).contains("30 100"), t.screen());
            t.resize(120, 40);
            Thread.sleep(300); // the CLI notices SIGWINCH and sends resize
            t.type("stty size");
            assertTrue(t.waitFor(s -> s.contains("40 120"), WAIT).contains("40 120"), t.screen());
            t.type("exit 3");
            assertEquals(3, t.exitCode(WAIT), t.screen());
        }
        assertEquals("", env.cli().ok("ps", "-aq"));
    }

    @Test
    void ctrlPCtrlQDetachesAndAttachReattaches() throws Exception {
        try (Tmux first = Tmux.start("docker run -it --name shell busybox sh", dockerHost, 100, 30)) {
            first.waitFor(s -> s.contains("/ #"), WAIT);
            first.type("echo before");
            first.keys("C-p", "C-q");
            assertEquals(0, first.exitCode(WAIT), "the client detached: " + first.screen());
        }
        assertEquals("running\n", env.cli().ok("inspect", "-f", "{{.State.Status}}", "shell"));
        try (Tmux second = Tmux.start("docker attach shell", dockerHost, 100, 30)) {
            Thread.sleep(500);
            second.type("echo again-$((1+1))");
            assertTrue(second.waitFor(s -> s.contains("again-2"), WAIT).contains("again-2"), second.screen());
            second.type("exit 5");
            assertEquals(5, second.exitCode(WAIT), second.screen());
        }
        env.cli().ok("rm", "shell");
    }
}
