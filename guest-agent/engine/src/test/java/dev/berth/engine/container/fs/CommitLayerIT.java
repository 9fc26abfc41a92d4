package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.archive.Decompress;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerPaths;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.engine.os.Linux;
import dev.berth.engine.store.snapshot.Snapshot;
import dev.berth.oci.Digest;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import dev.berth.testkit.Requirements;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The layer a commit makes, round-tripped: the writable layer becomes an OCI tar (overlay whiteouts as
 * {@code .wh.} files, opaque directories as {@code .wh..wh..opq}), the snapshot store unpacks it back into
 * overlay form, and an overlay of the image plus that layer shows exactly the tree the container saw, minus
 * the runtime's mount points.
 */
class CommitLayerIT {
    static final Set<String> MOUNT_POINTS = Set.of("/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname",
            "/etc/resolv.conf");

    FsFixture f;
    Container c;

    @BeforeEach
    void container() throws IOException {
        Requirements.requireRoot();
        f = new FsFixture();
        c = f.container("c1");
        f.mount(c);
    }

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    CommitLayer commitLayer() throws IOException {
        ContainerChanges.Result r = ContainerChanges.compute(c.paths().upper(), ContainerRoots.layerDirs(f.ctx, c));
        return CommitLayer.write(c.paths().upper(), r.hidden(), f.root.resolve("tmp"), "c1");
    }

    @Test
    void whiteoutsBecomeOciFilesAndOverlayAttributesStayOut() throws IOException {
        Path m = c.paths().rootfs();
        ContainerChangesIT.changeEverything(m);
        ContainerChangesIT.runtimeMountPoints(m);
        Linux.lsetxattr(m.resolve("new.txt").toString(), "user.note", "kept out, as dockerd does".getBytes());
        List<TarEntry> members = members(commitLayer());
        List<String> names = members.stream().map(TarEntry::name).toList();
        assertTrue(names.containsAll(List.of("tmp/", "tmp/.wh.old", "opt/", "opt/.wh..wh..opq", "opt/z", "new.txt",
                "gone", "olddir/x")), names.toString());
        assertTrue(names.indexOf("opt/.wh..wh..opq") == names.indexOf("opt/") + 1, "opaque marker right after its dir");
        assertFalse(names.stream().anyMatch(n -> n.startsWith("proc") || n.startsWith("etc") || n.startsWith("dev")
                || n.startsWith("sys")), "mount points stay out: " + names);
        assertTrue(members.stream().allMatch(e -> e.xattrs().isEmpty()), "no trusted.overlay.*, no user.*");
        TarEntry whiteout = members.get(names.indexOf("tmp/.wh.old"));
        assertEquals(TarEntry.Type.FILE, whiteout.type());
        assertEquals(0600, whiteout.mode());
    }

    @Test
    void layerRoundTripsToTheSameTree() throws IOException {
        Path m = c.paths().rootfs();
        ContainerChangesIT.changeEverything(m);
        ContainerChangesIT.runtimeMountPoints(m);
        Files.createSymbolicLink(m.resolve("link"), Path.of("/www/index.html"));
        Files.createLink(m.resolve("hard"), m.resolve("new.txt"));
        Map<String, String> before = tree(m);
        CommitLayer layer = commitLayer();
        Snapshot s = layer.store(f.images, FsFixture.LIMITS);
        assertEquals(layer.diffId(), s.diffId());
        assertTrue(f.images.content().info(layer.blob()).isPresent(), "blob stored");

        ContainerPaths replay = new ContainerPaths(f.root, "0".repeat(64));
        List<Path> lowers = new ArrayList<>(ContainerRoots.layerDirs(f.ctx, c));
        lowers.add(f.images.snapshots().path(s));
        OverlayRootfs.mount(replay, lowers, f.ctx.emptyLayer());
        try {
            Map<String, String> after = tree(replay.rootfs());
            before.keySet().removeIf(p -> MOUNT_POINTS.contains(p) || p.startsWith("/proc/"));
            assertEquals(before, after);
        } finally {
            OverlayRootfs.unmount(replay);
        }
    }

    @Test
    void anUnchangedContainerGivesTheEmptyLayer() throws IOException {
        ContainerChangesIT.runtimeMountPoints(c.paths().rootfs());
        CommitLayer layer = commitLayer();
        assertTrue(layer.isEmpty(), "dockerd adds no layer then, only an empty_layer history entry");
        assertEquals(Digest.parse("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"),
                layer.diffId());
        Files.delete(layer.file());
    }

    static List<TarEntry> members(CommitLayer layer) throws IOException {
        List<TarEntry> out = new ArrayList<>();
        try (InputStream in = Decompress.open(Files.newInputStream(layer.file()))) {
            TarReader r = new TarReader(in);
            for (TarEntry e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        Files.delete(layer.file());
        return out;
    }

    /** Every path of a tree with what a user would notice: type, mode, owner, content or target, file mtime. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (p.equals(root)) {
                    continue;
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String what;
                if (a.isSymbolicLink()) {
                    what = "link " + Files.readSymbolicLink(p);
                } else if (a.isDirectory()) {
                    what = "dir";
                } else {
                    what = "file " + sha(p) + " " + a.lastModifiedTime().toMillis() / 1000;
                }
                out.put("/" + root.relativize(p), what + " " + PosixFilePermissions.toString(a.permissions()) + " "
                        + a.owner().getName() + ":" + a.group().getName());
            }
        }
        return out;
    }

    static String sha(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
