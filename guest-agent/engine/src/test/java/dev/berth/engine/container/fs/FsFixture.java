package dev.berth.engine.container.fs;

import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.api.client.EngineResponse;
import dev.berth.api.http.HttpLimits;
import dev.berth.engine.api.ApiServer;
import dev.berth.engine.api.Router;
import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.container.ContainerEvents;
import dev.berth.engine.container.ContainerNames;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.HostConfigs;
import dev.berth.engine.container.MountSetup;
import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.ImageService;
import dev.berth.engine.image.ImageStore;
import dev.berth.engine.image.Leases;
import dev.berth.engine.image.Reference;
import dev.berth.engine.store.content.LocalContentStore;
import dev.berth.engine.store.snapshot.SnapshotStore;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small engine for the filesystem endpoints, made of the real parts: content, snapshot and image stores,
 * a container store, overlay mounts, the API server on a unix socket with {@link ContainerFsRoutes} (and
 * {@code /_ping}, so the real docker CLI can talk to it). Containers are records made directly in the store;
 * a "running" one is a process chrooted into the container's overlay mount, which is what
 * {@code /proc/<pid>/root} of a runc container amounts to for these endpoints.
 *
 * <p>The image {@code fsimg:1} has busybox, a few files, and links meant to escape: {@code /evil -> /},
 * {@code /up -> ../../..}, {@code /etclink -> /etc}, and {@code /hostlink}, an absolute link to this
 * fixture's host directory, whose {@code canary} file no endpoint may ever read or change.
 */
final class FsFixture implements AutoCloseable {
    static final long T = 1_700_000_000;
    static final ApplyOptions LIMITS = ApplyOptions.layer(1L << 30, 0);

    final Path dir;
    final Path root;
    final Path host;
    final Path canary;
    final EventBus events = new EventBus();
    final ImageService images;
    final ContainerStore store;
    final ContainerContext ctx;
    final Leases leases = new Leases();
    final ImageRecord image;
    private final List<Process> processes = new ArrayList<>();
    private ApiServer server;

    FsFixture() throws IOException {
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "berth-fs");
        root = Files.createDirectories(dir.resolve("root"));
        host = Files.createDirectories(dir.resolve("host"));
        canary = host.resolve("canary");
        Files.writeString(canary, "host secret\n");
        try {
            images = new ImageService(new LocalContentStore(root.resolve("content")),
                    new SnapshotStore(root.resolve("snapshots")), new ImageStore(root.resolve("meta")), events);
            store = new ContainerStore(root);
            Path empty = Files.createDirectories(root.resolve("empty"));
            ctx = new ContainerContext(root, store, images, null, null, new ContainerEvents(events), null,
                    MountSetup.NONE, null, empty);
            image = addImage("fsimg:1", List.of(layer(baseLayer()), layer(secondLayer())));
        } catch (IOException | RuntimeException e) {
            TempDirs.deleteRecursively(dir);
            throw e;
        }
    }

    /** busybox, files, escape links; {@code /gone} and {@code /olddir/x} which the second layer removes. */
    List<Object[]> baseLayer() throws IOException {
        List<Object[]> e = new ArrayList<>();
        e.add(dir("bin/"));
        e.add(new Object[] {TarEntry.file("bin/busybox", 0755, Files.size(Path.of("/bin/busybox")), T),
                Files.readAllBytes(Path.of("/bin/busybox"))});
        for (String applet : List.of("sh", "ls", "cat", "echo", "sleep", "mkdir", "rm", "ln", "mv", "touch", "true",
                "chmod", "stat")) {
            e.add(new Object[] {TarEntry.symlink("bin/" + applet, "busybox", T), null});
        }
        e.add(dir("etc/"));
        e.add(file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n"));
        e.add(file("etc/group", "root:x:0:\nnobody:x:65534:\n"));
        e.add(dir("www/"));
        e.add(file("www/index.html", "hello\n"));
        e.add(new Object[] {TarEntry.directory("tmp/", 01777, T), null});
        e.add(file("tmp/old", "old\n"));
        e.add(dir("opt/"));
        e.add(dir("opt/a/"));
        e.add(file("opt/a/b", "b\n"));
        e.add(dir("keep/"));
        e.add(file("gone", "gone\n"));
        e.add(dir("olddir/"));
        e.add(file("olddir/x", "x\n"));
        e.add(new Object[] {TarEntry.symlink("evil", "/", T), null});
        e.add(new Object[] {TarEntry.symlink("up", "../../..", T), null});
        e.add(new Object[] {TarEntry.symlink("etclink", "/etc", T), null});
        e.add(new Object[] {TarEntry.symlink("hostlink", host.toString(), T), null});
        return e;
    }

    /** OCI whiteouts: deletes /gone, makes /olddir opaque with a new /olddir/y. */
    static List<Object[]> secondLayer() {
        return List.of(file(".wh.gone", ""), dir("olddir/"), file("olddir/.wh..wh..opq", ""), file("olddir/y", "y\n"));
    }

    static Object[] dir(String name) {
        return new Object[] {TarEntry.directory(name, 0755, T), null};
    }

    static Object[] file(String name, String content) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        return new Object[] {TarEntry.file(name, 0644, b.length, T), b};
    }

    static byte[] tar(List<Object[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            for (Object[] e : entries) {
                w.write((TarEntry) e[0], e[1] == null ? new byte[0] : (byte[]) e[1]);
            }
        }
        return out.toByteArray();
    }

    /** Unpacks a layer into the snapshot store; returns its diff ID. */
    Digest layer(List<Object[]> entries) throws IOException {
        byte[] tar = tar(entries);
        Digest diffId = Digest.sha256(tar);
        images.snapshots().unpack(diffId, new ByteArrayInputStream(tar), LIMITS);
        return diffId;
    }

    /** Registers an image of {@code layers} (diff IDs); its config blob is stored, its layer blobs are not needed. */
    ImageRecord addImage(String name, List<Digest> layers) throws IOException {
        Platform p = Platform.host();
        RuntimeConfig rc = RuntimeConfig.empty().withCmd(List.of("/bin/sh"))
                .withEnv(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        byte[] config = Json.write(new ImageConfig("2026-01-01T00:00:00Z", null, p.architecture(), p.os(), null,
                p.variant(), rc, new ImageConfig.RootFs("layers", layers),
                List.of(new ImageConfig.History("2026-01-01T00:00:00Z", "fixture", null, null, null))));
        Digest id = Digest.sha256(config);
        CommitLayer.ingest(images.content(), id, config.length, new ByteArrayInputStream(config));
        List<ImageRecord.Layer> ls = layers.stream()
                .map(d -> new ImageRecord.Layer(d, MediaTypes.DOCKER_LAYER_GZIP, 0, d)).toList();
        ImageRecord r = new ImageRecord(id, MediaTypes.DOCKER_CONFIG, null, null, null, ls, p, Instant.now(), 0, null);
        images.register(r, List.of(Reference.parseWithDefaultTag(name)));
        return r;
    }

    Container container(String name) throws IOException {
        return container(name, null, HostConfigs.empty());
    }

    Container container(String name, String user, HostConfig hc) throws IOException {
        ContainerConfig cfg = new ContainerConfig(name, "", user, false, true, true, null, false, false, false,
                List.of("PATH=/bin"), List.of("/bin/sh"), null, null, "fsimg:1", null, "", null, null, null, null,
                Map.of("fixture", "yes"), null, null, null);
        ContainerRecord r = new ContainerRecord(ContainerNames.newId(), "/" + name, Instant.now(), "fsimg:1",
                image.id(), "/bin/sh", List.of(), cfg, hc, image.diffIds(), null, "runc");
        return store.add(r);
    }

    static HostConfig readOnlyRootfs() {
        return Json.read("{\"ReadonlyRootfs\":true}".getBytes(StandardCharsets.UTF_8), HostConfig.class);
    }

    /** Mounts the container's overlay (as a start does); the caller unmounts. */
    void mount(Container c) throws IOException {
        OverlayRootfs.mount(c.paths(), ContainerRoots.layerDirs(ctx, c), ctx.emptyLayer());
    }

    /**
     * "Starts" a container: its overlay mounted, {@code script} run by busybox sh chrooted into it, the
     * state saying running with that pid, as the engine records a runc container.
     */
    Process start(Container c, String script) throws IOException {
        mount(c);
        Process p = new ProcessBuilder("chroot", c.paths().rootfs().toString(), "/bin/sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        awaitChrooted(p, c);
        store.saveState(c, c.state().started(p.pid(), Instant.now(), null));
        return p;
    }

    /** As the engine records a pid only once runc started the process: after chroot(2), not before. */
    private static void awaitChrooted(Process p, Container c) throws IOException {
        Path procRoot = Path.of("/proc", Long.toString(p.pid()), "root");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (Files.isSameFile(procRoot, c.paths().rootfs())) {
                    return;
                }
            } catch (IOException starting) {
                // not there yet
            }
            Thread.onSpinWait();
        }
        throw new IOException("chroot into " + c.paths().rootfs() + " did not happen");
    }

    void stop(Container c, Process p) throws IOException, InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        store.saveState(c, c.state().exited(137, false, Instant.now()));
        OverlayRootfs.unmount(c.paths());
    }

    /** Serves the routes on a unix socket; returns a docker CLI pointed at it. */
    DockerCli serve() throws IOException {
        Router r = new Router();
        r.head("/_ping", (req, res) -> res.empty(200));
        r.get("/_ping", (req, res) -> res.text(200, "OK"));
        new ContainerFsRoutes(ctx, LIMITS, leases).register(r);
        server = new ApiServer(r, HttpLimits.DEFAULT);
        server.listenUnix(socket(), null);
        return new DockerCli(Map.of("DOCKER_HOST", "unix://" + socket(), "DOCKER_CONFIG",
                dir.resolve("docker-config").toString()));
    }

    Path socket() {
        return dir.resolve("run/docker.sock");
    }

    EngineClient client() {
        return new EngineClient(DockerHost.unix(socket()));
    }

    /** One request; the status and body (all of it). */
    record Reply(int status, String statHeader, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Reply call(String method, String target, byte[] body) throws IOException {
        try (EngineResponse r = client().send(method, "/v1.44" + target, body == null ? null : "application/x-tar",
                body)) {
            return new Reply(r.status(), r.head().headers().first(PathStat.HEADER).orElse(null), r.bytes());
        }
    }

    /** Raw bytes exchanged on one connection: {@code requests} sent as they are, the answer read to its end. */
    String raw(String requests) throws IOException {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(socket()));
            ch.write(java.nio.ByteBuffer.wrap(requests.getBytes(StandardCharsets.US_ASCII)));
            return new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Mount table entries under this fixture: what an endpoint must leave as it found it. */
    /**
     * Overlay mounts of this fixture still present, once they settle: the engine releases a stopped container's
     * mount just after the last byte of a response, so a client may finish a moment before the unmount.
     */
    long mounts() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long count = countMounts();
        while (count != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            count = countMounts();
        }
        return count;
    }

    private long countMounts() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(dir.toString()))
                .count();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (Container c : store.all()) {
            OverlayRootfs.unmount(c.paths());
        }
        new ProcessBuilder("umount", "-R", "-l", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        TempDirs.deleteRecursively(dir);
    }
}
