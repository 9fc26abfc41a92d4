package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.client.EngineResponse;
import dev.berth.engine.container.Container;
import dev.berth.oci.Json;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker cp} with the real docker CLI against the filesystem routes, on a stopped container (whose
 * overlay is mounted for each call and unmounted after it, on success and on every error), with dockerd
 * 20.10's answers for the same calls as the expectations.
 */
class DockerCpIT {
    @TempDir
    Path out;
    FsFixture f;
    DockerCli docker;
    Container c;

    @BeforeEach
    void engine() throws Exception {
        Requirements.requireRoot();
        Requirements.requireDockerCli();
        f = new FsFixture();
        docker = f.serve();
        c = f.container("c1");
    }

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            try {
                assertEquals(0, f.mounts(), "a stopped container's overlay is never left mounted");
            } finally {
                f.close();
            }
        }
    }

    String cp(String from, String to) throws Exception {
        return docker.ok("cp", from, to);
    }

    @Test
    void copiesFilesDirectoriesAndContentsOut() throws Exception {
        cp("c1:/www/index.html", out.toString());
        assertEquals("hello\n", Files.readString(out.resolve("index.html")));
        cp("c1:/www", out.resolve("dir").toString());
        assertEquals("hello\n", Files.readString(out.resolve("dir/index.html")));
        Files.createDirectories(out.resolve("dot"));
        cp("c1:/www/.", out.resolve("dot").toString());
        assertEquals("hello\n", Files.readString(out.resolve("dot/index.html")));
        cp("c1:/bin/sh", out.resolve("sh").toString());
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(out.resolve("sh")), "a symlink is copied as one");
        docker.ok("cp", "-L", "c1:/bin/sh", out.resolve("shL").toString());
        assertEquals(Files.size(Path.of("/bin/busybox")), Files.size(out.resolve("shL")), "-L follows it");
        assertEquals(0, f.mounts());
    }

    @Test
    void missingPathsGetDockerdsText() throws Exception {
        Processes.Result r = docker.run("cp", "c1:/nope", out.toString());
        assertTrue(r.exitCode() != 0 && r.stderr().contains("Could not find the file /nope in container c1"),
                r.stderr());
        FsFixture.Reply head = f.call("HEAD", "/containers/c1/archive?path=nope/", null);
        assertEquals(404, head.status());
        FsFixture.Reply get = f.call("GET", "/containers/c1/archive?path=nope/", null);
        assertEquals("{\"message\":\"Could not find the file nope/ in container c1\"}\n", get.text());
        assertEquals(400, f.call("GET", "/containers/c1/archive?path=", null).status());
        String pipelined = f.raw("HEAD /v1.44/containers/c1/archive?path=/x HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(pipelined.startsWith("HTTP/1.1 404 ") && pipelined.contains("\r\n\r\nHTTP/1.1 200 OK"),
                "a HEAD error has no body, so the next response follows at once: " + pipelined);
        assertEquals(404, f.call("GET", "/containers/nosuch/archive?path=/", null).status());
    }

    @Test
    void statHeaderIsDockerds() throws Exception {
        assertEquals(Map.of("name", "tmp", "size", 4096, "mode", 2148532735L, "linkTarget", ""),
                withoutTime(stat("/tmp/")));
        assertEquals("/bin/busybox", stat("/bin/sh").get("linkTarget"));
        assertEquals(134218239L, ((Number) stat("/bin/sh").get("mode")).longValue());
        assertEquals("/", stat("/evil").get("linkTarget"), "a link to / is the container's root");
        assertEquals("/", stat("/up").get("linkTarget"), "../../.. stops at the container's root");
        assertEquals(f.host.toString(), stat("/hostlink").get("linkTarget"), "a path in the container, not the host");
        assertEquals(".", stat("/www/.").get("name"));
        assertEquals("/", stat("/").get("name"));
    }

    Map<String, Object> stat(String path) throws IOException {
        FsFixture.Reply r = f.call("HEAD", "/containers/c1/archive?path=" + path, null);
        assertEquals(200, r.status(), path);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.read(Base64.getDecoder().decode(r.statHeader()), Map.class);
        return m;
    }

    static Map<String, Object> withoutTime(Map<String, Object> stat) {
        Map<String, Object> m = new java.util.HashMap<>(stat);
        assertTrue(((String) m.remove("mtime")).endsWith("Z"));
        m.put("mode", ((Number) m.get("mode")).longValue());
        return m;
    }

    @Test
    void archiveNamesAreDockerds() throws Exception {
        assertEquals(List.of("www/", "www/index.html"), names("/www"));
        assertEquals(List.of("www/", "www/index.html"), names("/www/"));
        assertEquals(List.of("./", "./index.html"), names("/www/."));
        assertEquals(List.of("index.html"), names("/www/index.html"));
        assertEquals(List.of("sh"), names("/bin/sh"));
        List<String> root = names("/");
        assertEquals("/", root.getFirst());
        assertTrue(root.contains("/bin/busybox") && root.contains("/www/index.html"), root.toString());
    }

    List<String> names(String path) throws Exception {
        FsFixture.Reply r = f.call("GET", "/containers/c1/archive?path=" + path, null);
        assertEquals(200, r.status(), r.text());
        return TarNames.of(r.body());
    }

    @Test
    void copiesIntoAStoppedContainer() throws Exception {
        Files.writeString(out.resolve("hostfile"), "from host\n");
        Files.createDirectories(out.resolve("tree/sub"));
        Files.writeString(out.resolve("tree/sub/f"), "deep\n");
        cp(out.resolve("hostfile").toString(), "c1:/tmp/");
        cp(out.resolve("hostfile").toString(), "c1:/tmp/renamed"); // HEAD answers 404 first: a new name
        assertEquals("from host\n", Files.readString(c.paths().upper().resolve("tmp/renamed")));
        cp(out.resolve("tree").toString(), "c1:/tmp/");
        cp(out.resolve("tree").toString() + "/.", "c1:/www/");
        assertEquals(0, f.mounts());
        cp("c1:/tmp/hostfile", out.resolve("back").toString());
        assertEquals("from host\n", Files.readString(out.resolve("back")));
        assertEquals("deep\n", Files.readString(c.paths().upper().resolve("tmp/tree/sub/f")));
        assertEquals("deep\n", Files.readString(c.paths().upper().resolve("www/sub/f")), "tree/. copies the contents");
        assertEquals(List.of("C /tmp", "A /tmp/hostfile", "A /tmp/renamed", "A /tmp/tree", "A /tmp/tree/sub",
                "A /tmp/tree/sub/f", "C /www", "A /www/sub", "A /www/sub/f"),
                List.of(docker.ok("diff", "c1").split("\n")));
        assertEquals(0, Files.getAttribute(c.paths().upper().resolve("tmp/hostfile"), "unix:uid"),
                "the archive's owner, as dockerd keeps it (the CLI runs as root here)");
    }

    @Test
    void copyUidGidGivesTheContainersUser() throws Exception {
        f.container("u1", "nobody", dev.berth.engine.container.HostConfigs.empty());
        Files.writeString(out.resolve("owned"), "x");
        docker.ok("cp", "-a", out.resolve("owned").toString(), "u1:/tmp/");
        Path upper = f.store.get("u1").paths().upper().resolve("tmp/owned");
        assertEquals(65534, Files.getAttribute(upper, "unix:uid"), "nobody in the container's /etc/passwd");
        assertEquals(65534, Files.getAttribute(upper, "unix:gid"));
    }

    @Test
    void putErrorsAreDockerdsAndLeaveNothingMounted() throws Exception {
        byte[] tar = FsFixture.tar(List.<Object[]>of(FsFixture.file("x", "x")));
        FsFixture.Reply notDir = f.call("PUT", "/containers/c1/archive?path=/www/index.html", tar);
        assertEquals(400, notDir.status());
        assertEquals("{\"message\":\"extraction point is not a directory\"}\n", notDir.text());
        FsFixture.Reply missing = f.call("PUT", "/containers/c1/archive?path=/nope", tar);
        assertEquals(404, missing.status());
        assertTrue(missing.text().contains("Could not find the file /nope in container c1"));
        FsFixture.Reply garbage = f.call("PUT", "/containers/c1/archive?path=/tmp", "not a tar at all".repeat(64)
                .getBytes());
        assertEquals(400, garbage.status(), garbage.text());
        FsFixture.Reply truncated = f.call("PUT", "/containers/c1/archive?path=/tmp",
                java.util.Arrays.copyOf(tar, 700));
        assertEquals(400, truncated.status(), truncated.text());
        assertEquals(0, f.mounts());
        assertEquals("", docker.ok("diff", "c1"), "nothing was extracted");

        f.container("ro", null, FsFixture.readOnlyRootfs());
        FsFixture.Reply ro = f.call("PUT", "/containers/ro/archive?path=/tmp", tar);
        assertEquals("{\"message\":\"container rootfs is marked read-only\"}\n", ro.text());
        assertEquals(400, ro.status());
    }

    @Test
    void aClientLeavingMidStreamStillUnmountsAndUnlocks() throws Exception {
        try (EngineResponse r = f.client().send("GET", "/v1.44/containers/c1/archive?path=/bin/busybox", null,
                null)) {
            InputStream body = r.body();
            assertEquals(200, r.status());
            body.readNBytes(10);
        } // closes the connection with most of the tar unread
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (f.mounts() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, f.mounts());
        assertEquals(200, f.call("HEAD", "/containers/c1/archive?path=/", null).status(), "the lock was released");
    }
}
