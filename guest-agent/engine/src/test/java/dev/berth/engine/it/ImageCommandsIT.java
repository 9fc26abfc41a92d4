package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The P2 acceptance, as a user does it: the real docker CLI against the engine, pulling from the fixture
 * registry; image IDs and repo digests compared with what a real dockerd reports for the same images.
 */
class ImageCommandsIT {
    static RegistryFixture registry;
    static EngineProcess engine;
    static DockerCli docker;
    static String reg;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        registry = RegistryFixture.startWithFixtures();
        reg = registry.host();
        engine = EngineProcess.start();
        docker = engine.cli();
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void versionAndInfo() throws Exception {
        assertEquals("1.44\n", docker.ok("version", "--format", "{{.Server.APIVersion}}"));
        String info = docker.ok("info", "--format", "{{.OSType}} {{.Driver}} {{.Images}}");
        assertTrue(info.startsWith("linux overlay2 "), info);
    }

    @Test
    void helloWorldIsThereWithoutNetwork() throws Exception {
        assertTrue(docker.ok("images", "--format", "{{.Repository}}:{{.Tag}}").contains("hello-world:latest"));
    }

    @Test
    void pullTagPushRemove() throws Exception {
        String out = docker.ok("pull", reg + "/busybox");
        assertTrue(out.contains("Status: Downloaded newer image for " + reg + "/busybox:latest")
                || out.contains("Image is up to date"), out);
        assertTrue(docker.ok("pull", reg + "/busybox").contains("Image is up to date for " + reg + "/busybox:latest"));

        docker.ok("tag", reg + "/busybox", reg + "/pushed:v1");
        String push = docker.ok("push", reg + "/pushed:v1");
        assertTrue(push.contains("v1: digest: sha256:"), push);
        String pushedDigest = push.replaceAll("(?s).*v1: digest: (sha256:[0-9a-f]{64}).*", "$1");
        assertEquals(docker.ok("image", "inspect", "--format", "{{index .RepoDigests 0}}", reg + "/busybox")
                .replaceAll(".*@", "").trim(), pushedDigest, "a pulled image pushes with its original digest");

        String rmi = docker.ok("rmi", reg + "/pushed:v1");
        assertTrue(rmi.contains("Untagged: " + reg + "/pushed:v1"), rmi);
        assertTrue(docker.ok("images", "--format", "{{.Repository}}").contains(reg + "/busybox"),
                "removing a second tag keeps the image");
        docker.ok("pull", reg + "/pushed:v1");
    }

    @Test
    void multiArchPullSelectsThePlatform() throws Exception {
        docker.ok("pull", "--platform", "linux/arm64", reg + "/multiarch");
        assertEquals("arm64\n", docker.ok("image", "inspect", "--format", "{{.Architecture}}", reg + "/multiarch"));
    }

    @Test
    void missingTagGivesDockersMessage() throws Exception {
        var r = docker.run("pull", reg + "/busybox:nothere");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("manifest for " + reg + "/busybox:nothere not found"), r.stderr());
    }

    @Test
    void malformedReferenceIsRefused() throws Exception {
        var r = docker.run("pull", reg + "/Busy:box");
        assertTrue(r.exitCode() != 0 && r.stderr().contains("invalid reference format"), r.stderr());
    }

    @Test
    void historyInspectAndFilters() throws Exception {
        docker.ok("pull", reg + "/web");
        assertTrue(docker.ok("history", reg + "/web").contains("COPY index.html /www/"));
        assertEquals("[80/tcp]\n", docker.ok("image", "inspect", "--format",
                "{{range $p, $v := .Config.ExposedPorts}}[{{$p}}]{{end}}", reg + "/web"));
        assertEquals(reg + "/web\n", docker.ok("images", "--filter", "reference=*/web", "--format", "{{.Repository}}"));
    }

    @Test
    void imageIdsAndRepoDigestsEqualDockerds() throws Exception {
        Requirements.requireReferenceDockerd();
        try (ReferenceDockerd dockerd = ReferenceDockerd.start()) {
            for (String name : List.of("busybox", "hello-world", "whiteout", "web", "big")) {
                String image = reg + "/" + name;
                docker.ok("pull", image);
                dockerd.cli().ok("pull", image);
                String format = "{{.Id}} {{index .RepoDigests 0}}";
                assertEquals(dockerd.cli().ok("image", "inspect", "--format", format, image),
                        docker.ok("image", "inspect", "--format", format, image), name);
            }
            docker.ok("pull", "--platform", "linux/arm64", reg + "/multiarch:latest");
            dockerd.cli().ok("pull", "--platform", "linux/arm64", reg + "/multiarch:latest");
            assertEquals(dockerd.cli().ok("image", "inspect", "--format", "{{.Id}}", reg + "/multiarch"),
                    docker.ok("image", "inspect", "--format", "{{.Id}}", reg + "/multiarch"));
        }
        assertEquals(List.of(), StoreFsck.check(engine.root()));
    }

    @Test
    void saveAndLoadRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        docker.ok("pull", reg + "/web");
        String id = docker.ok("image", "inspect", "--format", "{{.Id}}", reg + "/web");
        String tar = tmp.resolve("web.tar").toString();
        docker.ok("save", "-o", tar, reg + "/web");
        docker.ok("rmi", reg + "/web");
        String loaded = docker.ok("load", "-i", tar);
        assertTrue(loaded.contains("Loaded image: " + reg + "/web:latest"), loaded);
        assertEquals(id, docker.ok("image", "inspect", "--format", "{{.Id}}", reg + "/web"));
        var missing = docker.run("save", "-o", tmp.resolve("x.tar").toString(), "no-such-image:1");
        assertTrue(missing.exitCode() != 0 && missing.stderr().contains("No such image"), missing.stderr());
        assertEquals(List.of(), StoreFsck.check(engine.root()));
    }

    @Test
    void importBuildsAnImageFromARootfs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path rootfs = tmp.resolve("rootfs.tar");
        try (var out = java.nio.file.Files.newOutputStream(rootfs);
                var w = new dev.berth.oci.tar.TarWriter(out)) {
            byte[] hello = "hi\n".getBytes();
            w.write(dev.berth.oci.tar.TarEntry.file("etc/motd", 0644, hello.length, 1), hello);
        }
        String id = docker.ok("import", "--change", "CMD [\"cat\", \"/etc/motd\"]", "--change", "ENV A=b",
                rootfs.toString(), "imported:1").trim();
        assertTrue(id.startsWith("sha256:"), id);
        assertEquals("[cat /etc/motd] [A=b]\n",
                docker.ok("image", "inspect", "--format", "{{.Config.Cmd}} {{.Config.Env}}", "imported:1"));
        assertTrue(docker.ok("history", "imported:1").contains("Imported from"));
    }

    @Test
    void imageEventsAreRecordedAndFiltered() throws Exception {
        long since = System.currentTimeMillis() / 1000 - 1;
        docker.ok("pull", reg + "/hello-world");
        docker.ok("tag", reg + "/hello-world", "events-test:1");
        docker.ok("rmi", "events-test:1");
        long until = System.currentTimeMillis() / 1000 + 1;
        String events = docker.ok("events", "--since", Long.toString(since), "--until", Long.toString(until),
                "--filter", "type=image", "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        assertTrue(events.contains("pull " + reg + "/hello-world:latest"), events);
        assertTrue(events.contains("tag events-test:1"), events);
        assertTrue(events.contains("untag events-test:1"), events);
        String onlyTags = docker.ok("events", "--since", Long.toString(since), "--until", Long.toString(until),
                "--filter", "event=tag", "--filter", "image=events-test:1", "--format", "{{.Action}}");
        assertEquals("tag\n", onlyTags);
    }

    @Test
    void pruneAndSystemDf() throws Exception {
        docker.ok("pull", reg + "/whiteout");
        docker.ok("tag", reg + "/whiteout", "prune-me:1");
        docker.ok("rmi", reg + "/whiteout");
        assertTrue(docker.ok("system", "df").contains("Images"));
        String pruned = docker.ok("image", "prune", "-a", "-f", "--filter", "label=none.such");
        assertTrue(pruned.contains("Total reclaimed space"), pruned);
        docker.ok("rmi", "prune-me:1");
        assertEquals(List.of(), StoreFsck.check(engine.root()));
    }
}
