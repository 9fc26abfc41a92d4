package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.SharedFixture;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Named and anonymous volumes with the real docker CLI: data outlives containers and the engine, Docker's
 * errors for a volume in use and for names that are not names, copy-up from the image, {@code rm -v},
 * {@code --volumes-from}, ls filters, prune and system df.
 */
class VolumeIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    static DockerCli docker;

    @BeforeEach
    void fixture() {
        docker = ENV.get().cli();
    }

    @AfterEach
    void clean() throws Exception {
        ContainerChecks.removeAll(docker);
        docker.run("volume", "prune", "-af");
    }

    /** The status line's code of one raw API request on the engine's socket. */
    static int status(String method, String path, String json) throws IOException {
        Path socket = ENV.get().engine.socket();
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ch.write(ByteBuffer.wrap(body));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (buf.position() < 12 && ch.read(buf) > 0) {
                // the status line is all we need
            }
            return Integer.parseInt(new String(buf.array(), 9, 3, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aNamedVolumeOutlivesTheContainerThatWroteIt() throws Exception {
        docker.ok("volume", "create", "dbdata");
        docker.ok("run", "--name", "writer", "-v", "dbdata:/data", "busybox", "sh", "-c", "echo kept > /data/f");
        String mounts = docker.ok("inspect", "-f", "{{json .Mounts}}", "writer");
        assertTrue(mounts.contains("\"Type\":\"volume\",\"Name\":\"dbdata\""), mounts);
        assertTrue(mounts.contains("\"Destination\":\"/data\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true"),
                mounts);
        docker.ok("rm", "-v", "writer");
        assertEquals("kept\n", docker.ok("run", "--rm", "-v", "dbdata:/data", "busybox", "cat", "/data/f"),
                "named volumes are not removed with their container, even with -v");
        assertEquals("dbdata\n", docker.ok("volume", "ls", "-q", "--filter", "name=dbd"));
    }

    @Test
    void volumeCommandsAnswerAsDockerDoes() throws Exception {
        docker.ok("volume", "create", "--label", "team=a", "labelled");
        docker.ok("volume", "create", "plain");
        assertEquals("labelled\n", docker.ok("volume", "ls", "-q", "--filter", "label=team=a"));
        String inspect = docker.ok("volume", "inspect", "-f", "{{.Driver}} {{.Scope}} {{.Mountpoint}}", "labelled");
        assertTrue(inspect.matches("local local /.*/volumes/labelled/_data\n"), inspect);
        Processes.Result missing = docker.run("volume", "inspect", "nosuch");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.stderr().contains("get nosuch: no such volume"), missing.stderr());
        assertEquals(404, status("GET", "/v1.44/volumes/nosuch", null));
        assertEquals(201, status("POST", "/v1.44/volumes/create", "{\"Name\":\"viaapi\"}"));
        assertEquals(204, status("DELETE", "/v1.44/volumes/viaapi", null));
    }

    @Test
    void namesWithASlashOrDotsAreRefusedWith400() throws Exception {
        assertEquals(400, status("POST", "/v1.44/volumes/create", "{\"Name\":\"a/b\"}"));
        assertEquals(400, status("POST", "/v1.44/volumes/create", "{\"Name\":\"..\"}"));
        assertEquals(400, status("POST", "/v1.44/volumes/create", "{\"Name\":\"../../etc\"}"));
        Processes.Result cli = docker.run("volume", "create", "..");
        assertTrue(cli.stderr().contains("includes invalid characters for a local volume name"), cli.stderr());
        Processes.Result run = docker.run("run", "--rm", "-v", "a/b:/x", "busybox", "true");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.stderr().contains("includes invalid characters"), run.stderr());
        assertEquals("", docker.ok("volume", "ls", "-q"), "nothing was created");
    }

    @Test
    void aVolumeInUseCannotBeRemoved() throws Exception {
        docker.ok("volume", "create", "busy");
        String id = docker.ok("create", "-v", "busy:/b", "busybox", "true").trim();
        Processes.Result rm = docker.run("volume", "rm", "busy");
        assertNotEquals(0, rm.exitCode());
        assertTrue(rm.stderr().contains("remove busy: volume is in use - [" + id + "]"), rm.stderr());
        assertEquals(409, status("DELETE", "/v1.44/volumes/busy", null));
        assertTrue(docker.ok("volume", "ls", "-q", "--filter", "dangling=false").contains("busy"));
        assertFalse(docker.ok("volume", "ls", "-q", "--filter", "dangling=true").contains("busy"));
        docker.ok("rm", id);
        docker.ok("volume", "rm", "busy");
    }

    @Test
    void anonymousVolumesGetTheImagesFilesAndGoWithRmV() throws Exception {
        docker.ok("run", "--name", "base", "busybox", "sh", "-c",
                "mkdir -p /cfg && echo from-image > /cfg/conf && chown 1234:5678 /cfg/conf && chmod 640 /cfg/conf");
        docker.ok("commit", "-c", "VOLUME /cfg", "base", "withvol");
        docker.ok("run", "--name", "anon", "withvol", "sh", "-c", "cat /cfg/conf; stat -c '%u:%g %a' /cfg/conf");
        assertEquals("from-image\n1234:5678 640\n", docker.ok("logs", "anon"), "copy-up keeps content, owner, mode");
        String name = docker.ok("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "anon").trim();
        assertTrue(name.matches("[0-9a-f]{64}"), name);
        assertTrue(docker.ok("volume", "inspect", "-f", "{{json .Labels}}", name)
                .contains("com.docker.volume.anonymous"));
        docker.ok("rm", "-v", "anon");
        assertFalse(docker.ok("volume", "ls", "-q").contains(name), "rm -v removes the anonymous volume");
        docker.ok("rm", "base");
        docker.ok("rmi", "withvol");
    }

    @Test
    void volumesFromSharesTheSameVolumes() throws Exception {
        docker.ok("create", "--name", "holder", "-v", "/shared", "busybox", "true");
        docker.ok("run", "--rm", "--volumes-from", "holder", "busybox", "sh", "-c", "echo one > /shared/x");
        assertEquals("one\n", docker.ok("run", "--rm", "--volumes-from", "holder:ro", "busybox", "cat", "/shared/x"));
        Processes.Result ro = docker.run("run", "--rm", "--volumes-from", "holder:ro", "busybox", "touch", "/shared/y");
        assertTrue(ro.stderr().contains("Read-only file system"), ro.stderr());
        // a 404 (the CLI would take it for a missing image and try to pull, as it does with dockerd)
        assertEquals(404, status("POST", "/v1.44/containers/create", "{\"Image\":\"busybox\","
                + "\"HostConfig\":{\"VolumesFrom\":[\"nosuch\"]}}"));
    }

    @Test
    void pruneTakesAnonymousVolumesUnlessAll() throws Exception {
        docker.ok("volume", "create", "keepme");
        docker.ok("run", "--name", "a1", "-v", "/tmpdata", "busybox", "true");
        String anon = docker.ok("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "a1").trim();
        docker.ok("rm", "a1");
        String pruned = docker.ok("volume", "prune", "-f");
        assertTrue(pruned.contains(anon), pruned);
        assertTrue(docker.ok("volume", "ls", "-q").contains("keepme"));
        docker.ok("volume", "prune", "-af");
        assertEquals("", docker.ok("volume", "ls", "-q"));
    }

    @Test
    void systemDfCountsVolumes() throws Exception {
        docker.ok("volume", "create", "dfvol");
        docker.ok("run", "--rm", "-v", "dfvol:/d", "busybox", "sh", "-c", "head -c 10000 /dev/zero > /d/z");
        String df = docker.ok("system", "df", "-v", "--format", "{{json .Volumes}}");
        assertTrue(df.contains("dfvol"), df);
        assertTrue(df.contains("\"Size\":\"10kB\"") || df.contains("10kB"), df);
    }

    @Test
    void volumeDataSurvivesAnEngineRestart() throws Exception {
        docker.ok("volume", "create", "durable");
        docker.ok("run", "--rm", "-v", "durable:/d", "busybox", "sh", "-c", "echo still-here > /d/f");
        ENV.get().engine.restart();
        assertTrue(docker.ok("volume", "ls", "-q").contains("durable"));
        assertEquals("still-here\n", docker.ok("run", "--rm", "-v", "durable:/d", "busybox", "cat", "/d/f"));
    }
}
