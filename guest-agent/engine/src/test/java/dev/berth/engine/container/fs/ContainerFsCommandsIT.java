package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.Processes;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance of the filesystem endpoints as a user meets them: the real docker CLI against a real engine
 * running real containers (runc), with {@code docker cp} both ways into running and stopped containers,
 * {@code docker diff}, {@code docker export}, {@code docker commit} and a {@code docker run} of the committed
 * image. Where dockerd's answer is deterministic, the same commands run against a reference dockerd on the
 * same image and the outputs are compared.
 */
class ContainerFsCommandsIT {
    /** A container that changes files of every kind: add, modify, delete, replace a directory. */
    static final String CHANGES = "mkdir -p /data/sub && echo x > /data/f && rm /etc/group"
            + " && echo extra >> /etc/passwd && rm -rf /var/www && mkdir /var/www && touch /var/www/new";
    /** What dockerd keeps in its init layer and Berth hides: they differ in export only. */
    static final Set<String> INIT_LAYER = Set.of(".dockerenv", "dev/console", "dev/pts/", "dev/shm/", "etc/mtab",
            "etc/hosts", "etc/hostname", "etc/resolv.conf");

    static RegistryFixture registry;
    static EngineProcess engine;
    static DockerCli docker;
    static String busybox;

    @TempDir
    Path out;

    /** Why this machine or engine build cannot run these tests; null if it can. */
    static String unavailable;

    /**
     * Starts the registry and engine once. What is missing is recorded, not assumed here: an assumption in
     * {@code @BeforeAll} hides the whole class from the skip report, one per test lists each skip with its reason.
     */
    @BeforeAll
    static void start() throws Exception {
        unavailable = !Requirements.isRoot() ? "needs root (namespaces, mounts, cgroups)"
                : RegistryFixture.unavailableReason().or(DockerCli::unavailableReason).orElse(null);
        if (unavailable != null) {
            return;
        }
        registry = RegistryFixture.startWithFixtures();
        engine = EngineProcess.start();
        docker = engine.cli();
        busybox = registry.host() + "/busybox";
        docker.ok("pull", "-q", busybox);
        Processes.Result probe = docker.run("create", "--name", "probe", busybox, "true");
        Processes.Result cp = probe.exitCode() == 0 ? docker.run("cp", "probe:/etc/passwd", "-") : probe;
        if (probe.exitCode() != 0) {
            unavailable = "this engine build cannot create containers yet: " + probe.stderr().strip();
        } else if (cp.exitCode() != 0) {
            unavailable = "this engine build does not serve the archive routes (ContainerFsRoutes not registered "
                    + "in Engine?): " + cp.stderr().strip();
        }
    }

    @BeforeEach
    void available() {
        assumeTrue(unavailable == null, unavailable);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    @AfterEach
    void removeContainers() throws Exception {
        if (unavailable != null) {
            return;
        }
        String ids = docker.ok("ps", "-aq");
        if (!ids.isBlank()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f"));
            args.addAll(ids.lines().toList());
            docker.run(args);
        }
    }

    @Test
    void cpIntoAndOutOfARunningContainer() throws Exception {
        docker.ok("run", "-d", "--name", "r1", "--hostname", "cphost", busybox, "sleep", "1000");
        Files.writeString(out.resolve("file"), "from the host\n");
        Files.createDirectories(out.resolve("dir/sub"));
        Files.writeString(out.resolve("dir/sub/f"), "deep\n");
        docker.ok("cp", out.resolve("file").toString(), "r1:/tmp/");
        docker.ok("cp", out.resolve("dir").toString(), "r1:/tmp/");
        docker.ok("cp", out.resolve("dir") + "/.", "r1:/root/");
        assertEquals("from the host\ndeep\ndeep\n",
                docker.ok("exec", "r1", "cat", "/tmp/file", "/tmp/dir/sub/f", "/root/sub/f"));
        docker.ok("cp", "r1:/etc/hostname", out.resolve("hostname").toString());
        assertEquals("cphost\n", Files.readString(out.resolve("hostname")), "the container's own bind-mounted file");
        Files.writeString(out.resolve("hosts"), "1.2.3.4 x\n");
        Processes.Result hosts = docker.run("cp", out.resolve("hosts").toString(), "r1:/etc/hosts");
        assertTrue(hosts.stderr().contains("device or resource busy"), "a bind-mounted file, as with dockerd: "
                + hosts.stderr());
        docker.ok("exec", "r1", "sh", "-c", "echo made inside > /tmp/inside");
        docker.ok("cp", "r1:/tmp/inside", out.toString());
        assertEquals("made inside\n", Files.readString(out.resolve("inside")));
    }

    @Test
    void cpIntoAStoppedContainerThenStartIt() throws Exception {
        docker.ok("create", "--name", "s1", busybox, "cat", "/tmp/file");
        Files.writeString(out.resolve("file"), "copied before start\n");
        docker.ok("cp", out.resolve("file").toString(), "s1:/tmp/");
        assertEquals("copied before start\n", docker.ok("start", "-a", "s1"));
        docker.ok("cp", "s1:/tmp/file", out.resolve("back").toString());
        assertEquals("copied before start\n", Files.readString(out.resolve("back")));
        Processes.Result missing = docker.run("cp", "s1:/nope", out.toString());
        assertTrue(missing.stderr().contains("Could not find the file /nope in container s1"), missing.stderr());
        assertEquals(0, mountsOf("s1"), "the stopped container's overlay was unmounted after every call");
    }

    @Test
    void diffAndExport() throws Exception {
        docker.ok("run", "--name", "d1", busybox, "sh", "-c", CHANGES);
        docker.ok("run", "--name", "d0", busybox, "true");
        List<String> diff = sorted(docker.ok("diff", "d1"));
        assertTrue(diff.containsAll(List.of("A /data", "A /data/f", "D /etc/group", "C /etc/passwd", "C /var/www",
                "A /var/www/new")), diff.toString());
        assertEquals("", docker.ok("diff", "d0"), "the runtime's mount points are no change");
        Set<String> exported = exportNames(docker, "d1");
        assertTrue(exported.contains("data/f") && !exported.contains("etc/group"), exported.toString());
        assertEquals(0, mountsOf("d1"), "the export's temporary mount is gone");
    }

    @Test
    void diffAndExportMatchDockerd() throws Exception {
        Requirements.requireReferenceDockerd();
        docker.ok("run", "--name", "d1", busybox, "sh", "-c", CHANGES);
        docker.ok("run", "--name", "d0", busybox, "true");
        try (ReferenceDockerd dockerd = ReferenceDockerd.start()) {
            DockerCli ref = dockerd.cli();
            ref.ok("pull", "-q", busybox);
            ref.ok("run", "--name", "d1", busybox, "sh", "-c", CHANGES);
            ref.ok("run", "--name", "d0", busybox, "true");
            assertEquals(sorted(ref.ok("diff", "d1")), sorted(docker.ok("diff", "d1")));
            assertEquals(ref.ok("diff", "d0"), docker.ok("diff", "d0"));
            Set<String> refNames = exportNames(ref, "d1");
            Set<String> ours = exportNames(docker, "d1");
            refNames.removeAll(INIT_LAYER);
            ours.removeAll(INIT_LAYER);
            assertEquals(refNames, ours, "the same tree, but for dockerd's init layer");
        }
    }

    Set<String> exportNames(DockerCli cli, String container) throws Exception {
        Path tar = Files.createTempFile(out, "export", ".tar");
        cli.ok("export", "-o", tar.toString(), container);
        return new TreeSet<>(TarNames.of(Files.readAllBytes(tar)));
    }

    @Test
    void commitThenRunTheCommittedImage() throws Exception {
        docker.ok("run", "--name", "c1", busybox, "sh", "-c", CHANGES);
        String id = docker.ok("commit", "-a", "me", "-m", "msg", "-c", "ENV COMMITTED=yes", "c1", "committed:1").trim();
        assertTrue(id.startsWith("sha256:"), id);
        assertEquals("x\nyes\nno group\n", docker.ok("run", "--rm", "committed:1", "sh", "-c",
                "cat /data/f; echo $COMMITTED; test -e /etc/group || echo no group"));
        assertTrue(docker.ok("history", "committed:1").contains("msg"));
        docker.ok("run", "--name", "c2", "committed:1", "true");
        assertEquals("", docker.ok("diff", "c2"), "the committed layer is the new base");
        String unchanged = docker.ok("commit", "c2").trim();
        assertEquals(docker.ok("image", "inspect", "-f", "{{len .RootFS.Layers}}", "committed:1"),
                docker.ok("image", "inspect", "-f", "{{len .RootFS.Layers}}", unchanged), "no layer for no change");
    }

    @Test
    void commitPausesARunningContainer() throws Exception {
        docker.ok("run", "-d", "--name", "p1", busybox, "sh", "-c", "echo live > /live; sleep 1000");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (docker.run("exec", "p1", "cat", "/live").exitCode() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        docker.ok("commit", "p1", "live:1");
        assertEquals("running false\n", docker.ok("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "p1"),
                "paused for the commit, running again after it");
        assertEquals("live\n", docker.ok("run", "--rm", "live:1", "cat", "/live"));
        String now = Long.toString(System.currentTimeMillis() / 1000 + 1);
        assertTrue(docker.ok("events", "--since", "0", "--until", now, "--filter", "event=commit").contains("p1"));
    }

    static List<String> sorted(String lines) {
        return lines.lines().sorted().toList();
    }

    /** Mounts under the engine's root belonging to the container {@code name}. */
    static long mountsOf(String name) throws Exception {
        String id = docker.ok("inspect", "-f", "{{.Id}}", name).trim();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(id)).count();
    }
}
