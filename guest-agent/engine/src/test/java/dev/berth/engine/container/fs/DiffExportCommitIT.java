package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.events.Event;
import dev.berth.engine.image.ImageRecord;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker diff}, {@code docker export} and {@code docker commit} with the real docker CLI, on a
 * container changed through its overlay as its processes would change it. The committed image is checked
 * in the image store: its config, history, layers, and a layer whose unpacked tree holds the change.
 */
class DiffExportCommitIT {
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
        f.mount(c);
        ContainerChangesIT.changeEverything(c.paths().rootfs());
        ContainerChangesIT.runtimeMountPoints(c.paths().rootfs());
        OverlayRootfs.unmount(c.paths());
    }

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            try {
                assertEquals(0, f.mounts(), "nothing left mounted");
            } finally {
                f.close();
            }
        }
    }

    @Test
    void diffPrintsTheChanges() throws Exception {
        assertEquals(List.of("A /a", "A /a/b", "A /gone", "C /keep", "A /new.txt", "C /olddir", "A /olddir/x", "C /opt",
                "D /opt/a", "A /opt/z", "C /tmp", "D /tmp/old", "C /www", "C /www/index.html"),
                List.of(docker.ok("diff", "c1").split("\n")));
        assertEquals("null\n", f.call("GET", "/containers/" + f.container("clean").id() + "/changes", null).text(),
                "dockerd's encoding of no changes");
        Processes.Result missing = docker.run("diff", "nosuch");
        assertTrue(missing.stderr().contains("No such container: nosuch"), missing.stderr());
    }

    @Test
    void exportIsTheWholeMergedTree() throws Exception {
        Path tar = out.resolve("c1.tar");
        docker.ok("export", "-o", tar.toString(), "c1");
        List<String> names = TarNames.of(Files.readAllBytes(tar));
        assertTrue(names.containsAll(List.of("bin/busybox", "new.txt", "opt/z", "gone", "olddir/x", "olddir/y",
                "www/index.html", "proc/", "etc/hosts")), names.toString());
        for (String gone : List.of("opt/a/b", "tmp/old", "./", "/")) {
            assertFalse(names.contains(gone), gone);
        }
        assertFalse(names.stream().anyMatch(n -> n.contains(".wh.")), "no whiteouts in an export");
        assertEquals("changed\n", TarNames.content(Files.readAllBytes(tar), "www/index.html"));
        FsFixture.Reply head = f.call("GET", "/containers/c1/export", null);
        assertEquals(200, head.status());
    }

    @Test
    void commitMakesAnImageWithTheChange() throws Exception {
        String id = docker.ok("commit", "-a", "me", "-m", "msg", "-c", "LABEL committed=yes", "c1", "committed:1")
                .trim();
        ImageRecord r = f.images.find("committed:1").orElseThrow();
        assertEquals(id, r.id().toString());
        assertEquals(f.image.diffIds().size() + 1, r.diffIds().size());
        assertEquals(f.image.diffIds(), r.diffIds().subList(0, f.image.diffIds().size()));
        ImageConfig config = f.images.config(r);
        assertEquals("yes", config.config().labels().get("committed"));
        assertEquals("yes", config.config().labels().get("fixture"), "the container's labels stay");
        ImageConfig.History last = config.history().getLast();
        assertEquals("me", last.author());
        assertEquals("msg", last.comment());
        assertEquals("/bin/sh", last.createdBy());
        Digest layer = r.diffIds().getLast();
        Path tree = f.images.snapshots().path(f.images.snapshots().get(layer).orElseThrow());
        assertEquals("changed\n", Files.readString(tree.resolve("www/index.html")));
        assertFalse(Files.exists(tree.resolve("proc")), "mount points are not committed");
        assertTrue(f.images.content().info(r.layers().getLast().blob()).isPresent());
        Event e = f.events.replay(0, Long.MAX_VALUE, x -> "commit".equals(x.action())).getFirst();
        assertEquals(c.id(), e.actor().id());
        assertEquals(id, e.actor().attributes().get("imageID"));
        assertEquals("committed:1", e.actor().attributes().get("imageRef"));
    }

    @Test
    void unchangedContainerAddsOnlyAnEmptyHistoryEntry() throws Exception {
        Container clean = f.container("clean");
        String id = docker.ok("commit", "clean").trim();
        ImageRecord r = f.images.find(id).orElseThrow();
        assertEquals(f.image.diffIds(), r.diffIds(), "dockerd adds no layer for an empty diff");
        assertEquals(Boolean.TRUE, f.images.config(r).history().getLast().emptyLayer());
        assertEquals(List.of(), f.images.names(r), "untagged without a repository");
        assertTrue(clean.state().status().equals("created"));
    }

    @Test
    void commitOfARunningContainerWithoutPause() throws Exception {
        Process p = f.start(c, "echo live > /live.txt; sleep 1000");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(c.paths().upper().resolve("live.txt")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String id = docker.ok("commit", "--pause=false", "c1", "live:1").trim();
        ImageRecord r = f.images.find(id).orElseThrow();
        Path tree = f.images.snapshots().path(f.images.snapshots().get(r.diffIds().getLast()).orElseThrow());
        assertEquals("live\n", Files.readString(tree.resolve("live.txt")));
        f.stop(c, p);
    }

    @Test
    void badRequestsGetDockerdsTexts() throws Exception {
        Processes.Result bad = docker.run("commit", "-c", "RUN echo", "c1");
        assertTrue(bad.stderr().contains("run is not a valid change command"), bad.stderr());
        Processes.Result missing = docker.run("commit", "nosuch");
        assertTrue(missing.stderr().contains("No such container: nosuch"), missing.stderr());
        FsFixture.Reply upper = f.call("POST", "/commit?container=c1&repo=Bad", null);
        assertEquals(400, upper.status(), upper.text());
    }
}
