package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code docker run} and the lifecycle commands, through the real docker CLI, as the acceptance
 * tries them: run --rm, exit codes, a detached web server through ps/logs/stop/start/restart/rm -f, stdin,
 * and Docker's errors for names in use, running containers and missing executables.
 */
class ContainerRunIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    static ContainerEngine env;
    static DockerCli docker;

    @BeforeEach
    void fixture() {
        env = ENV.get();
        docker = env.cli();
    }

    @AfterEach
    void removeContainers() throws Exception {
        ContainerChecks.removeAll(docker);
    }

    @Test
    void runRmPrintsTheOutputAndLeavesNoContainer() throws Exception {
        assertEquals("hi\n", docker.ok("run", "--rm", "busybox", "echo", "hi"));
        assertEquals("", docker.ok("ps", "-aq"), "--rm removed the container");
    }

    @Test
    void exitCodesAreTheProcessOwnOrDockers() throws Exception {
        assertEquals(3, docker.run("run", "--rm", "busybox", "sh", "-c", "exit 3").exitCode());

        Processes.Result missing = docker.run("run", "--name", "missing", "busybox", "nosuch");
        assertEquals(127, missing.exitCode(), missing.stderr());
        assertTrue(missing.stderr().contains("exec: \"nosuch\": executable file not found in $PATH"),
                missing.stderr());
        assertEquals("created 127\n", docker.ok("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "missing"),
                "as dockerd: a container whose start failed stays created, with the exit code");

        Processes.Result notExecutable = docker.run("run", "--rm", "busybox", "/etc/passwd");
        assertEquals(126, notExecutable.exitCode(), notExecutable.stderr());
        assertTrue(notExecutable.stderr().contains("permission denied"), notExecutable.stderr());

        Processes.Result noImage = docker.run("run", "--rm", "127.0.0.1:1/none");
        assertEquals(125, noImage.exitCode(), "the engine's own errors are 125");
    }

    @Test
    void aDetachedWebServerGoesThroughItsLifecycle() throws Exception {
        String id = docker.ok("run", "-d", "--name", "w", "web").trim();
        assertEquals(64, id.length());
        assertEquals("w running\n", docker.ok("ps", "--format", "{{.Names}} {{.State}}"));
        String page = docker.ok("exec", "w", "wget", "-qO-", "http://127.0.0.1/");
        assertTrue(page.contains("<"), "httpd serves the fixture page: " + page);
        Processes.Result logs = docker.run("logs", "w");
        assertTrue(logs.stderr().contains("response:200"), "httpd -v logs the request on stderr: " + logs.stderr());

        docker.ok("stop", "-t", "1", "w");
        assertTrue(docker.ok("ps", "-a", "--format", "{{.Status}}").startsWith("Exited (137)"),
                "httpd as pid 1 ignores SIGTERM, so stop killed it");
        docker.ok("start", "w");
        assertEquals("running\n", docker.ok("inspect", "-f", "{{.State.Status}}", "w"));
        String before = docker.ok("inspect", "-f", "{{.State.StartedAt}}", "w");
        docker.ok("restart", "-t", "1", "w");
        assertTrue(!before.equals(docker.ok("inspect", "-f", "{{.State.StartedAt}}", "w")), "restart ran it anew");
        docker.ok("rm", "-f", "w");
        assertEquals("", docker.ok("ps", "-aq"));
    }

    @Test
    void namesInUseAndRunningContainersAreConflicts() throws Exception {
        docker.ok("run", "-d", "--name", "taken", "busybox", "sleep", "30");
        Processes.Result dup = docker.run("run", "--name", "taken", "busybox");
        assertEquals(125, dup.exitCode(), "docker run exits 125 when the engine refuses");
        assertTrue(dup.stderr().contains("Conflict. The container name \"/taken\" is already in use"), dup.stderr());

        Processes.Result rm = docker.run("rm", "taken");
        assertEquals(1, rm.exitCode());
        assertTrue(rm.stderr().contains("You cannot remove a running container"), rm.stderr());
        assertTrue(rm.stderr().contains("Stop the container before attempting removal or force remove"));

        Processes.Result badName = docker.run("create", "--name", "no/slashes", "busybox");
        assertTrue(badName.stderr().contains("Invalid container name (no/slashes)"), badName.stderr());
    }

    @Test
    void stdinIsPipedAndHalfClosed() throws Exception {
        Processes.Result r = docker.run(List.of("run", "-i", "--rm", "busybox", "sh", "-c", "cat; echo done >&2"),
                "line-a\nline-b\n".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("line-a\nline-b\n", r.stdout());
        assertEquals("done\n", r.stderr());
    }

    @Test
    void logsTailTimestampsSinceAndFollow() throws Exception {
        docker.ok("run", "--name", "lines", "busybox", "sh", "-c", "for i in 1 2 3 4 5; do echo out$i; done; echo err >&2");
        assertEquals("out1\nout2\nout3\nout4\nout5\n", docker.ok("logs", "lines"));
        assertEquals("out5\n", docker.ok("logs", "--tail", "2", "lines"), "stderr's line is the other of the two");
        String stamped = docker.ok("logs", "-t", "--tail", "2", "lines");
        assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z out5\\n"), stamped);
        assertEquals("", docker.ok("logs", "--since", "2100-01-01T00:00:00Z", "lines"));

        docker.ok("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
                "for i in 1 2 3; do echo t$i; sleep 0.2; done");
        Processes.Result follow = docker.run(List.of("logs", "-f", "ticker"), null, Duration.ofSeconds(20));
        assertEquals("t1\nt2\nt3\n", follow.stdout(), "logs -f ends when the container exits, missing nothing");
    }

    @Test
    void renamePauseTopAndWait() throws Exception {
        docker.ok("run", "-d", "--name", "a1", "busybox", "sleep", "30");
        docker.ok("rename", "a1", "a2");
        assertEquals("/a2\n", docker.ok("inspect", "-f", "{{.Name}}", "a2"));
        docker.ok("pause", "a2");
        assertTrue(docker.ok("ps", "--format", "{{.Status}}").contains("(Paused)"));
        docker.ok("unpause", "a2");
        assertTrue(docker.ok("top", "a2").contains("sleep 30"));
        docker.ok("kill", "a2");
        assertEquals("137\n", docker.ok("wait", "a2"));
        Processes.Result notRunning = docker.run("kill", "a2");
        assertTrue(notRunning.stderr().contains("is not running"), notRunning.stderr());
    }

    @Test
    void psFiltersAndFormats() throws Exception {
        docker.ok("run", "-d", "--name", "f-run", "--label", "tier=web", "busybox", "sleep", "30");
        docker.ok("create", "--name", "f-created", "--label", "tier=db", "busybox");
        assertEquals("f-run\n", docker.ok("ps", "--format", "{{.Names}}"));
        assertEquals("f-created\nf-run\n", docker.ok("ps", "-a", "--format", "{{.Names}}"), "newest first");
        assertEquals("f-created\n", docker.ok("ps", "-a", "--filter", "label=tier=db", "--format", "{{.Names}}"));
        assertEquals("f-created\n", docker.ok("ps", "-a", "--filter", "status=created", "--format", "{{.Names}}"));
        assertEquals("f-run\n", docker.ok("ps", "-a", "--filter", "name=f-r", "--format", "{{.Names}}"));
        assertEquals("f-created\n", docker.ok("ps", "-a", "-n", "1", "--format", "{{.Names}}"));
        assertEquals(12, docker.ok("ps", "-q").trim().length());
    }

    /** A config blob damaged on disk (bit rot, a bad disk) gives a clear error and creates nothing. */
    @Test
    void anImageWithADamagedConfigIsRefusedClearly() throws Exception {
        Path rootfs = Files.createTempFile("fragile", ".tar");
        try (OutputStream out = Files.newOutputStream(rootfs); TarWriter w = new TarWriter(out)) {
            byte[] hi = "hi\n".getBytes(StandardCharsets.UTF_8);
            w.write(TarEntry.file("hello.txt", 0644, hi.length, 1), hi);
        }
        String id = docker.ok("import", rootfs.toString(), "fragile:1").trim();
        Files.delete(rootfs);
        Path blob = env.engine.root().resolve("content/blobs/sha256").resolve(id.substring("sha256:".length()));
        env.engine.stop();
        Files.writeString(blob, Files.readString(blob).replace("{", "{ "));
        env.engine.launch();

        Processes.Result r = docker.run("run", "--rm", "fragile:1", "/hello.txt");
        assertEquals(125, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("the config of image " + id + " is damaged on disk"), r.stderr());
        assertEquals("", docker.ok("ps", "-aq"), "nothing was created");
        docker.ok("rmi", "fragile:1");
    }
}
