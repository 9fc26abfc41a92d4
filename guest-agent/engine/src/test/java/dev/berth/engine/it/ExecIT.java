package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.oci.Json;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code docker exec} with the real CLI: in a terminal ({@code -it}, in tmux), detached ({@code -d}), with
 * {@code -u}, {@code -w} and {@code -e}, and its exit code through the CLI and exec inspect; the Upgrade form
 * of the hijacked start on the wire. Covered elsewhere: the start without Upgrade (docker-java's form) in
 * {@code ContainerApiIT}, exec after an engine restart and after kill -9 in {@code EngineRestartIT}.
 */
class ExecIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);
    DockerCli docker;
    String id;

    @BeforeEach
    void container() throws Exception {
        docker = ENV.get().cli();
        id = docker.ok("run", "-d", "--network", "none", "busybox", "sleep", "300").trim();
    }

    @AfterEach
    void remove() throws Exception {
        docker.run("rm", "-f", id);
    }

    @Test
    void anInteractiveExecHasATerminalThatResizesAndItsExitStatus() throws Exception {
        assumeTrue(Processes.which("tmux").isPresent(), "tmux is not installed (scripts/setup test installs it)");
        Map<String, String> env = Map.of("DOCKER_HOST", ENV.get().engine.dockerHost());
        try (Tmux t = Tmux.start("docker exec -it -e X=1 -w /tmp " + id + " sh", env, 100, 30)) {
            t.waitFor(s -> s.contains("/tmp #"), WAIT);
            t.type("echo x=$X tty=$(tty)");
            assertTrue(t.waitFor(s -> s.contains("x=1 tty=/dev/pts/"), WAIT).contains("x=1 tty=/dev/pts/"),
                    t.screen());
            t.type("stty size");
            assertTrue(t.waitFor(s -> s.contains("30 100"), WAIT).contains("30 100"), t.screen());
            t.resize(120, 40);
            Thread.sleep(300); // the CLI notices SIGWINCH and sends an exec resize
            t.type("stty size");
            assertTrue(t.waitFor(s -> s.contains("40 120"), WAIT).contains("40 120"), t.screen());
            t.type("exit 3");
            assertEquals(3, t.exitCode(WAIT), t.screen());
        }
        assertEquals("running", docker.ok("inspect", "-f", "{{.State.Status}}", id).trim(), "the container lives on");
    }

    @Test
    void aDetachedExecReturnsAtOnceAndRunsOn() throws Exception {
        long start = System.nanoTime();
        Processes.Result r = docker.run("exec", "-d", id, "sh", "-c", "sleep 1; echo done > /tmp/flag");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stdout());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "did not wait for the process");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (docker.run("exec", id, "test", "-f", "/tmp/flag").exitCode() != 0) {
            assertTrue(System.nanoTime() < deadline, "the detached exec never finished");
            Thread.sleep(200);
        }
        assertEquals("done", docker.ok("exec", id, "cat", "/tmp/flag").trim());
    }

    @Test
    void userWorkdirAndEnvApplyToTheProcess() throws Exception {
        String out = docker.ok("exec", "-u", "nobody", "-w", "/tmp", "-e", "A=b", "-e", "PATH=/bin", id, "sh", "-c",
                "id -u; id -g; pwd; echo $A; echo $PATH");
        assertEquals("65534\n65534\n/tmp\nb\n/bin\n", out);
        assertEquals("1000:1001", docker.ok("exec", "-u", "1000:1001", id, "sh", "-c", "echo $(id -u):$(id -g)").trim());
        Processes.Result noUser = docker.run("exec", "-u", "nosuch", id, "true");
        assertEquals(126, noUser.exitCode(), noUser.stderr());
        assertTrue((noUser.stdout() + noUser.stderr()).contains("unable to find user nosuch"),
                "out: " + noUser.stdout() + " err: " + noUser.stderr());
        Processes.Result noDir = docker.run("exec", "-w", "/nosuch", id, "true");
        assertFalse(noDir.exitCode() == 0, "a missing working directory fails: " + noDir.stderr());
    }

    @Test
    void theExitCodeReachesTheCliAndExecInspect() throws Exception {
        Processes.Result r = docker.run("exec", id, "sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals(7, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
        Processes.Result missing = docker.run("exec", id, "nosuch");
        assertEquals(126, missing.exitCode(), "dockerd's code for an exec that could not start");
        assertTrue((missing.stdout() + missing.stderr()).contains("executable file not found"),
                "out: " + missing.stdout() + " err: " + missing.stderr());
    }

    /** The CLI's form: {@code Upgrade: tcp}, answered with 101 and, from API 1.42 on, multiplexed frames. */
    @Test
    void anUpgradedStartStreamsFramesAndTheExitCodeIsFinalWhenItCloses() throws Exception {
        EngineClient client = new EngineClient(DockerHost.unix(ENV.get().engine.socket()));
        String exec = client.postJson("/containers/" + id + "/exec", Json.mapper().readTree("{\"AttachStdout\":true,"
                + "\"AttachStderr\":true,\"Cmd\":[\"sh\",\"-c\",\"echo hi; exit 4\"]}")).get("Id").asString();
        try (RawConnection start = new RawConnection(ENV.get().engine.socket())) {
            start.post("/v1.44/exec/" + exec + "/start", "{\"Detach\":false,\"Tty\":false}",
                    "Connection: Upgrade\r\nUpgrade: tcp\r\n");
            String head = start.head(5000);
            assertTrue(head.startsWith("HTTP/1.1 101 UPGRADED\r\n"), head);
            assertTrue(head.contains("application/vnd.docker.multiplexed-stream"), head);
            byte[] out = start.rest(10_000);
            assertTrue(start.closedByServer(), "the stream ends with the connection");
            assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n'}, out, Arrays.toString(out));
        }
        JsonNode inspect = client.getJson("/exec/" + exec + "/json");
        assertEquals(4, inspect.get("ExitCode").asInt(), inspect.toString());
        assertFalse(inspect.get("Running").asBoolean());
        assertEquals(id, inspect.get("ContainerID").asString());
    }
}
