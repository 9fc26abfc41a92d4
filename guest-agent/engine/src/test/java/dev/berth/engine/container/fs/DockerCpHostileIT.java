package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.Container;
import dev.berth.oci.tar.TarEntry;
import dev.berth.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The docker cp vulnerability class (CVE-2018-15664, CVE-2019-14271, CVE-2021-41089): links in the
 * container pointing at {@code /}, {@code /etc}, {@code ../../..} or at an absolute host path, archives
 * with climbing and absolute names, links planted by the archive itself, and a process inside a running
 * container swapping a directory for a link while docker cp works on it. The host canary (a file outside
 * the container, also named by the container's {@code /hostlink}) must never be read, changed or joined by
 * a new file; nothing may appear in the host's {@code /}.
 */
class DockerCpHostileIT {
    FsFixture f;
    Container c;
    String marker;
    FileTime canaryTime;

    @BeforeEach
    void engine() throws Exception {
        Requirements.requireRoot();
        f = new FsFixture();
        f.serve();
        c = f.container("c1");
        marker = "berth-pwned-" + UUID.randomUUID();
        canaryTime = Files.getLastModifiedTime(f.canary);
    }

    @AfterEach
    void hostUntouched() throws Exception {
        if (f == null) {
            return;
        }
        try {
            assertEquals("host secret\n", Files.readString(f.canary));
            assertEquals(canaryTime, Files.getLastModifiedTime(f.canary));
            try (Stream<Path> s = Files.list(f.host)) {
                assertEquals(List.of(f.canary), s.toList(), "no file joined the host canary");
            }
            assertFalse(Files.exists(Path.of("/", marker)), "nothing written to the host's /");
            assertFalse(Files.exists(Path.of("/etc", marker)), "nothing written to the host's /etc");
        } finally {
            f.close();
        }
    }

    byte[] payload() throws Exception {
        return FsFixture.tar(List.<Object[]>of(FsFixture.file(marker, "owned\n")));
    }

    @Test
    void linksInTheContainerResolveInsideIt() throws Exception {
        String canaryInHost = f.canary.toString();
        for (String path : List.of("/evil" + canaryInHost, "/up/up/up" + canaryInHost, "/hostlink/canary",
                "/etclink/../../../" + canaryInHost)) {
            FsFixture.Reply r = f.call("GET", "/containers/c1/archive?path=" + path, null);
            assertEquals(404, r.status(), path + ": " + r.text());
        }
        FsFixture.Reply wholeRoot = f.call("GET", "/containers/c1/archive?path=/evil/", null);
        assertEquals(200, wholeRoot.status());
        assertTrue(TarNames.of(wholeRoot.body()).contains("evil/bin/busybox"), "/evil/ is the container's root");
        assertFalse(new String(wholeRoot.body(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("host secret"));
        for (String dest : List.of("/evil", "/up", "/etclink", "/evil/etc")) {
            assertEquals(200, f.call("PUT", "/containers/c1/archive?path=" + dest, payload()).status(), dest);
        }
        assertEquals(404, f.call("PUT", "/containers/c1/archive?path=/hostlink", payload()).status());
        assertTrue(Files.exists(c.paths().upper().resolve(marker)), "written to the container's root");
        assertTrue(Files.exists(c.paths().upper().resolve("etc").resolve(marker)), "and to the container's /etc");
    }

    @Test
    void climbingAndAbsoluteNamesAreRefusedWithNothingWritten() throws Exception {
        List<List<Object[]>> hostile = List.of(
                List.of(FsFixture.file("ok-first", "x"), FsFixture.file("../../../../" + marker, "x")),
                List.of(FsFixture.file("ok-first", "x"), FsFixture.file("/" + marker, "x")),
                List.of(FsFixture.file("ok-first", "x"), new Object[] {TarEntry.hardlink("h", "../../../etc/passwd",
                        1), null}));
        for (List<Object[]> entries : hostile) {
            FsFixture.Reply r = f.call("PUT", "/containers/c1/archive?path=/tmp", FsFixture.tar(entries));
            assertEquals(400, r.status(), r.text());
        }
        assertFalse(Files.exists(c.paths().upper().resolve("tmp/ok-first")), "refused before the first entry");
        assertEquals(0, f.mounts());
    }

    @Test
    void linksPlantedByTheArchiveStayInside() throws Exception {
        byte[] tar = FsFixture.tar(List.of(new Object[] {TarEntry.symlink("s", "/", 1), null},
                FsFixture.file("s/" + marker, "via root link\n"),
                FsFixture.file("s/etc/" + marker, "via root link\n")));
        FsFixture.Reply r = f.call("PUT", "/containers/c1/archive?path=/tmp", tar);
        assertEquals(200, r.status(), r.text());
        assertTrue(Files.exists(c.paths().upper().resolve(marker)), "s/ is the container's root");
        assertTrue(Files.exists(c.paths().upper().resolve("etc").resolve(marker)));
        // a link to a host directory means that path inside the container, which does not exist there
        byte[] viaHost = FsFixture.tar(List.of(new Object[] {TarEntry.symlink("h", f.host.toString(), 1), null},
                FsFixture.file("h/" + marker, "via host link\n")));
        FsFixture.Reply h = f.call("PUT", "/containers/c1/archive?path=/tmp", viaHost);
        assertEquals(400, h.status(), h.text());
        assertEquals(0, f.mounts());
    }

    /**
     * CVE-2018-15664: while docker cp runs, a process in the container keeps replacing /w (a directory) by a
     * link to the host directory and /r/canary (a file) by a link to the host canary. Every answer must be
     * the container's own data or "not found".
     */
    @Test
    void symlinkExchangeRaceNeverReachesTheHost() throws Exception {
        String hostDir = f.host.toString();
        Process attacker = f.start(c, "while :; do "
                + "rm -rf /w; mkdir /w; rm -rf /w; ln -s " + hostDir + " /w; "
                + "mkdir -p /r; echo mine > /r/canary; rm -f /r/canary; ln -s " + hostDir + "/canary /r/canary; "
                + "rm -f /r/canary; done");
        Set<Integer> putStatuses = new java.util.TreeSet<>();
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            putStatuses.add(f.call("PUT", "/containers/c1/archive?path=/w", payload()).status());
            FsFixture.Reply get = f.call("GET", "/containers/c1/archive?path=/r/canary", null);
            if (get.status() == 200 && get.text().contains("host secret")) {
                leaks.add("GET /r/canary returned the host canary");
            }
            FsFixture.Reply dir = f.call("GET", "/containers/c1/archive?path=/w/", null);
            if (dir.status() == 200 && TarNames.of(dir.body()).contains("w/canary")) {
                leaks.add("GET /w/ listed the host directory");
            }
        }
        assertTrue(attacker.isAlive(), "the attacker kept swapping throughout");
        f.stop(c, attacker);
        assertEquals(List.of(), leaks);
        assertTrue(Set.of(200, 400, 404).containsAll(putStatuses), putStatuses.toString());
    }

    @Test
    void runningContainerIsSeenWithItsMountsButNotItsKernelFilesystems() throws Exception {
        Path volume = Files.createDirectories(f.dir.resolve("volume"));
        Files.writeString(volume.resolve("data"), "in the volume\n");
        f.mount(c);
        Path rootfs = c.paths().rootfs();
        Files.createDirectories(rootfs.resolve("vol"));
        Files.createDirectories(rootfs.resolve("proc"));
        run("mount", "--bind", volume.toString(), rootfs.resolve("vol").toString());
        run("mount", "-t", "proc", "proc", rootfs.resolve("proc").toString());
        Process p = f.start(c, "sleep 1000");

        FsFixture.Reply vol = f.call("GET", "/containers/c1/archive?path=/vol/data", null);
        assertEquals("in the volume\n", TarNames.content(vol.body(), "data"));
        assertEquals(200, f.call("PUT", "/containers/c1/archive?path=/vol", payload()).status());
        assertTrue(Files.exists(volume.resolve(marker)), "docker cp into a running container reaches its volume");
        List<String> names = TarNames.of(f.call("GET", "/containers/c1/archive?path=/", null).body());
        assertTrue(names.contains("/proc/") && names.contains("/vol/data"), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("/proc/") && !n.equals("/proc/")), "proc is not walked");
        assertEquals(404, f.call("GET", "/containers/c1/archive?path=/proc/self/status", null).status());
        FsFixture.Reply replace = f.call("PUT", "/containers/c1/archive?path=/", FsFixture.tar(
                List.<Object[]>of(FsFixture.file("vol", "not a volume any more\n"))));
        assertEquals(400, replace.status());
        assertTrue(replace.text().contains("unlinkat /vol: device or resource busy"), replace.text());
        assertEquals("in the volume\n", Files.readString(volume.resolve("data")), "the volume keeps its contents");
        f.stop(c, p);
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
