package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bind mounts with the real docker CLI: read-only and read-write host folders, Docker's rules for missing
 * sources ({@code -v} creates, {@code --mount} refuses), a symlinked source followed on the host, and a
 * symlink in the image at the target that must not carry the mount out of the container's root filesystem.
 */
class BindMountIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    static DockerCli docker;

    @TempDir
    Path host;

    @BeforeEach
    void fixture() {
        docker = ENV.get().cli();
    }

    @AfterEach
    void clean() throws Exception {
        ContainerChecks.removeAll(docker);
    }

    @Test
    void aReadOnlyFolderRefusesWritesAndAReadWriteOneShowsThemAtOnce() throws Exception {
        Files.writeString(host.resolve("in"), "from-host\n");
        Processes.Result ro = docker.run("run", "--rm", "-v", host + ":/h:ro", "busybox", "sh", "-c",
                "cat /h/in; echo x > /h/out");
        assertEquals("from-host\n", ro.stdout());
        assertTrue(ro.stderr().contains("Read-only file system"), ro.stderr());
        assertFalse(Files.exists(host.resolve("out")));
        docker.ok("run", "-d", "--name", "rw", "-v", host + ":/h:rw", "busybox", "sh", "-c",
                "echo written > /h/out; exec sleep 60");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(host.resolve("out")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("written\n", Files.readString(host.resolve("out")), "the write is on the host while it runs");
        String mounts = docker.ok("inspect", "-f", "{{json .Mounts}}", "rw");
        assertEquals("[{\"Type\":\"bind\",\"Source\":\"" + host + "\",\"Destination\":\"/h\",\"Mode\":\"rw\","
                + "\"RW\":true,\"Propagation\":\"rprivate\"}]\n", mounts);
    }

    @Test
    void aMissingSourceIsCreatedForVButRefusedForMount() throws Exception {
        Path made = host.resolve("made/by/v");
        docker.ok("run", "--rm", "-v", made + ":/m", "busybox", "touch", "/m/f");
        assertTrue(Files.isRegularFile(made.resolve("f")));
        Path none = host.resolve("none");
        Processes.Result r = docker.run("run", "--rm", "--mount", "type=bind,source=" + none + ",target=/m",
                "busybox", "true");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("invalid mount config for type \"bind\": bind source path does not exist: "
                + none), r.stderr());
        assertFalse(Files.exists(none));
    }

    @Test
    void mountFlagsWork() throws Exception {
        Files.writeString(host.resolve("f"), "m\n");
        assertEquals("m\n", docker.ok("run", "--rm", "--mount", "type=bind,source=" + host + ",target=/t,readonly",
                "busybox", "cat", "/t/f"));
        Processes.Result w = docker.run("run", "--rm", "--mount", "type=bind,source=" + host + ",target=/t,readonly",
                "busybox", "touch", "/t/g");
        assertTrue(w.stderr().contains("Read-only file system"), w.stderr());
        docker.ok("run", "--rm", "--mount", "type=volume,source=mvol,target=/v", "busybox", "touch", "/v/x");
        assertTrue(docker.ok("volume", "ls", "-q").contains("mvol"), "--mount type=volume creates the volume");
        docker.ok("volume", "rm", "mvol");
        Path file = host.resolve("single");
        Files.writeString(file, "one file\n");
        assertEquals("one file\n", docker.ok("run", "--rm", "-v", file + ":/etc/single.conf:ro", "busybox", "cat",
                "/etc/single.conf"), "a file binds onto a file made in the rootfs");
    }

    @Test
    void aSymlinkedSourceIsFollowedOnTheHost() throws Exception {
        Path real = Files.createDirectories(host.resolve("real"));
        Files.writeString(real.resolve("f"), "real\n");
        Path link = Files.createSymbolicLink(host.resolve("link"), real);
        assertEquals("real\n", docker.ok("run", "--rm", "-v", link + ":/l", "busybox", "cat", "/l/f"));
    }

    /**
     * CVE-2021-30465 class: the image's target path is a symlink to / or climbs out with ../../..; the mount must
     * stay inside the container's rootfs (here: refused, as it would cover the whole root) and a symlink into a
     * directory lands on that directory inside the rootfs, never on the host's.
     */
    @Test
    void aSymlinkAtTheTargetCannotCarryTheMountOutOfTheRootfs() throws Exception {
        Files.writeString(host.resolve("marker"), "mine\n");
        String hostTmpTarget = "/tmp/berth-bindit-" + ProcessHandle.current().pid();
        docker.ok("run", "--name", "evilbase", "busybox", "sh", "-c",
                "ln -s / /evil && ln -s ../../.. /evil2 && ln -s ../../../../.." + hostTmpTarget + " /evil3");
        docker.ok("commit", "evilbase", "evil");
        try {
            for (String target : new String[] {"/evil", "/evil2"}) {
                Processes.Result r = docker.run("run", "--rm", "-v", host + ":" + target, "evil", "ls", "/");
                assertNotEquals(0, r.exitCode(), target);
                assertTrue(r.stderr().contains("resolves to / of the container"), r.stderr());
            }
            String seen = docker.ok("run", "--rm", "-v", host + ":/evil3", "evil", "sh", "-c",
                    "cat " + hostTmpTarget + "/marker; cat /evil3/marker");
            assertEquals("mine\nmine\n", seen, "the mount is at the link's target inside the container");
            assertFalse(Files.exists(Path.of(hostTmpTarget)), "nothing was made or mounted on the host's /tmp");
            String hostRootBefore = Files.readString(Path.of("/proc/self/mountinfo"));
            assertFalse(hostRootBefore.contains(" " + hostTmpTarget + " "), "no host mount point");
        } finally {
            docker.run("rm", "-f", "evilbase");
            docker.run("rmi", "evil");
        }
    }
}
