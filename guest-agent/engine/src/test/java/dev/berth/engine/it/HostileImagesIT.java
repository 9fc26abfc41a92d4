package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.os.Linux;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.Processes;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.RegistryPusher;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Images whose layers attack the engine, pulled from a real registry: escapes fail the pull (or land inside
 * the layer), device nodes are dropped, bombs hit the size limit, binary capabilities survive intact.
 */
class HostileImagesIT {
    static final String OUTSIDE = "/tmp/berth-hostile-" + ProcessHandle.current().pid();
    static RegistryFixture registry;
    static EngineProcess engine;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        registry = RegistryFixture.start();
        engine = EngineProcess.start("--max-layer-mb", "50");
        work = Files.createTempDirectory("hostile");
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (work != null) {
            TempDirs.deleteRecursively(work);
        }
        TempDirs.deleteRecursively(Path.of(OUTSIDE));
    }

    /** Pushes a one-layer image made of {@code entries} and returns its reference. */
    static String push(String name, List<Object[]> entries) throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(tar)) {
            for (Object[] e : entries) {
                w.write((TarEntry) e[0], e.length > 1 ? (InputStream) e[1] : InputStream.nullInputStream());
            }
        }
        byte[] raw = tar.toByteArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
            o.write(raw);
        }
        OciLayout layout = OciLayout.create(work.resolve(name));
        Descriptor layer = layout.putBlob(MediaTypes.DOCKER_LAYER_GZIP, gz.toByteArray());
        ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, Platform.host().architecture(), "linux",
                null, null, RuntimeConfig.empty(), new ImageConfig.RootFs("layers", List.of(Digest.sha256(raw))),
                List.of());
        Descriptor cfg = layout.putBlob(MediaTypes.DOCKER_CONFIG, Json.write(config));
        Descriptor manifest = layout.putBlob(MediaTypes.DOCKER_MANIFEST,
                Json.write(new ImageManifest(2, MediaTypes.DOCKER_MANIFEST, cfg, List.of(layer), null)));
        new RegistryPusher(layout, registry.baseUri()).push(manifest, name, "latest");
        return registry.host() + "/" + name;
    }

    static Object[] file(String name, byte[] content) {
        return new Object[] {TarEntry.file(name, 0644, content.length, 1), new java.io.ByteArrayInputStream(content)};
    }

    @Test
    void traversalFailsThePullAndWritesNothing() throws Exception {
        String image = push("traversal", List.<Object[]>of(file("../../../../.." + OUTSIDE + "/evil", "x".getBytes())));
        Processes.Result r = engine.cli().run("pull", image);
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("escapes the root"), r.stderr());
        assertFalse(Files.exists(Path.of(OUTSIDE, "evil")));
        assertEquals(List.of(), StoreFsck.check(engine.root()));
        assertFalse(engine.cli().ok("images").contains("traversal"));
    }

    @Test
    void symlinkEscapesLandInsideTheLayer() throws Exception {
        String image = push("symlink", List.of(
                new Object[] {TarEntry.directory(OUTSIDE.substring(1) + "/", 0755, 1)},
                new Object[] {TarEntry.symlink("escape", OUTSIDE, 1)},
                file("escape/pwned", "x".getBytes())));
        engine.cli().ok("pull", image);
        assertFalse(Files.exists(Path.of(OUTSIDE, "pwned")), "nothing written through the symlink on the host");
        assertTrue(findInSnapshots(OUTSIDE.substring(1) + "/pwned"), "the file is inside the layer instead");
    }

    @Test
    void deviceNodesAreDropped() throws Exception {
        String image = push("devices", List.of(
                new Object[] {new TarEntry("dev/sda", TarEntry.Type.BLOCK, 0660, 0, 0, 0, 1, "", "", "", 8, 0, null)},
                file("ok", "fine".getBytes())));
        engine.cli().ok("pull", image);
        assertFalse(findInSnapshots("dev/sda"));
        assertTrue(findInSnapshots("ok"));
    }

    @Test
    void binaryCapabilitiesArePreservedExactly() throws Exception {
        byte[] cap = {1, 0, 0, 2, 0, 0, 0, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] content = "#!/bin/sh\n".getBytes();
        String image = push("caps", List.<Object[]>of(new Object[] {
            TarEntry.file("bin/ping", 0755, content.length, 1).withXattrs(Map.of("security.capability", cap)),
            new java.io.ByteArrayInputStream(content)}));
        engine.cli().ok("pull", image);
        Path ping = snapshotFile("bin/ping");
        assertArrayEquals(cap, Linux.lgetxattr(ping.toString(), "security.capability"));
    }

    @Test
    void decompressionBombHitsTheLayerLimit() throws Exception {
        long size = 200L << 20; // 200 MiB of zeros compresses to ~200 KiB; the engine allows 50 MiB per layer
        InputStream zeros = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
        String image = push("bomb", List.<Object[]>of(new Object[] {TarEntry.file("zeros", 0644, size, 1), zeros}));
        Processes.Result r = engine.cli().run("pull", image);
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("exceeds"), r.stderr());
        assertEquals(List.of(), StoreFsck.check(engine.root()));
    }

    static boolean findInSnapshots(String rel) throws IOException {
        return snapshotFileOrNull(rel) != null;
    }

    static Path snapshotFile(String rel) throws IOException {
        Path p = snapshotFileOrNull(rel);
        assertTrue(p != null, rel + " is in some layer");
        return p;
    }

    static Path snapshotFileOrNull(String rel) throws IOException {
        try (Stream<Path> s = Files.list(engine.root().resolve("snapshots"))) {
            for (Path d : s.toList()) {
                if (Files.exists(d.resolve(rel), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    return d.resolve(rel);
                }
            }
        }
        return null;
    }
}
