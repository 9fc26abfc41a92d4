package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.rootfs.OverlayRootfs;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docker diff over a real overlay: the container's changes are made through the mounted overlay, as its
 * processes would make them (so overlayfs itself writes the whiteouts, opaque directories and copy-ups),
 * then read back from the writable layer against the image's two layers (the second of which has OCI
 * whiteouts of its own). The expected lists follow what dockerd 20.10 printed for the same operations.
 */
class ContainerChangesIT {
    FsFixture f;
    Container c;
    Path m;

    @BeforeEach
    void container() throws IOException {
        Requirements.requireRoot();
        f = new FsFixture();
        c = f.container("c1");
        f.mount(c);
        m = c.paths().rootfs();
    }

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    List<String> changes() throws IOException {
        return compute().changes().stream().map(Change::toString).toList();
    }

    ContainerChanges.Result compute() throws IOException {
        return ContainerChanges.compute(c.paths().upper(), ContainerRoots.layerDirs(f.ctx, c));
    }

    /** What runc does when the image lacks the mount points of Docker's default mounts. */
    static void runtimeMountPoints(Path m) throws IOException {
        for (String d : List.of("proc", "sys", "dev")) {
            Files.createDirectories(m.resolve(d));
        }
        for (String file : List.of("etc/hosts", "etc/hostname", "etc/resolv.conf")) {
            Files.createFile(m.resolve(file));
        }
    }

    static void changeEverything(Path m) throws IOException {
        Files.writeString(m.resolve("new.txt"), "n");
        Files.writeString(m.resolve("www/index.html"), "changed\n");
        Files.delete(m.resolve("tmp/old"));
        TempDirs.deleteRecursively(m.resolve("opt"));
        Files.createDirectory(m.resolve("opt"));
        Files.writeString(m.resolve("opt/z"), "z");
        Files.setPosixFilePermissions(m.resolve("keep"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(m.resolve("a/b"));
        Files.writeString(m.resolve("gone"), "back"); // the image's second layer deleted it
        Files.writeString(m.resolve("olddir/x"), "x2"); // hidden in the image by an opaque directory
    }

    @Test
    void addedModifiedDeletedAndOpaque() throws IOException {
        changeEverything(m);
        runtimeMountPoints(m);
        assertEquals(List.of("A /a", "A /a/b", "A /gone", "C /keep", "A /new.txt", "C /olddir", "A /olddir/x",
                "C /opt", "D /opt/a", "A /opt/z", "C /tmp", "D /tmp/old", "C /www", "C /www/index.html"), changes());
    }

    @Test
    void sameResultWhileMountedAndAfterUnmount() throws IOException {
        changeEverything(m);
        List<String> mounted = changes();
        OverlayRootfs.unmount(c.paths());
        assertEquals(mounted, changes());
    }

    @Test
    void bareMountPointsAreHiddenAndReportedForCommit() throws IOException {
        runtimeMountPoints(m);
        ContainerChanges.Result r = compute();
        assertEquals(List.of(), r.changes(), "only mount points: dockerd's init layer holds them, no diff");
        assertEquals(Set.of("/proc", "/sys", "/dev", "/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"),
                r.hidden());
    }

    @Test
    void mountPointsWithContentAreShown() throws IOException {
        runtimeMountPoints(m);
        Files.writeString(m.resolve("etc/hostname"), "named\n");
        Files.writeString(m.resolve("proc/left"), "x");
        assertEquals(List.of("C /etc", "A /etc/hostname", "A /proc", "A /proc/left"), changes());
        assertTrue(compute().hidden().containsAll(Set.of("/etc/hosts", "/sys")));
    }

    @Test
    void modificationsOfTheImagesFilesNeedARealDifference() throws IOException {
        Files.setPosixFilePermissions(m.resolve("etc/passwd"), PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(List.of(), changes(), "chmod to the same mode copies up but changes nothing dockerd sees");
        Files.setPosixFilePermissions(m.resolve("etc/passwd"), PosixFilePermissions.fromString("rw-------"));
        assertEquals(List.of("C /etc", "C /etc/passwd"), changes());
    }

    @Test
    void aContainerThatNeverRanHasNoChanges() throws IOException {
        Container fresh = f.container("fresh");
        assertEquals(List.of(), ContainerChanges.compute(fresh.paths().upper(),
                ContainerRoots.layerDirs(f.ctx, fresh)).changes());
    }
}
