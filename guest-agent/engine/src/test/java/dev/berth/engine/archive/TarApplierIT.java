package dev.berth.engine.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.os.Linux;
import dev.berth.engine.os.OpenFlags;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Stat;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import dev.berth.testkit.Requirements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and tricky layers (after containerd's TestBreakouts catalogue): nothing may be written or changed
 * outside the root, and legitimate layers come out exactly as the archive says. Needs root for mknod,
 * chown and trusted.* attributes.
 */
class TarApplierIT {
    /** cap_setfcap+p as the kernel stores it (VFS_CAP_REVISION_2): contains a 0x80 byte, not valid UTF-8. */
    static final byte[] CAPABILITY = {1, 0, 0, 2, 0, 0, 0, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    Path work;
    Path root;
    Path outside;

    @BeforeEach
    void dirs() throws IOException {
        Requirements.requireRoot();
        work = Files.createTempDirectory(Path.of("/var/tmp"), "applier");
        root = Files.createDirectory(work.resolve("root"));
        outside = Files.createDirectory(work.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host data\n");
        Files.setPosixFilePermissions(outside.resolve("secret"), PosixFilePermissions.fromString("r--------"));
    }

    @AfterEach
    void cleanup() throws IOException {
        if (work != null) {
            new ProcessBuilder("rm", "-rf", work.toString()).inheritIO().start();
        }
    }

    final class Layer {
        final List<Object[]> entries = new ArrayList<>();

        Layer dir(String n) {
            entries.add(new Object[] {TarEntry.directory(n, 0755, 1_600_000_000), null});
            return this;
        }

        Layer file(String n, String content) {
            byte[] b = content.getBytes();
            entries.add(new Object[] {TarEntry.file(n, 0644, b.length, 1_600_000_000), b});
            return this;
        }

        Layer entry(TarEntry e, byte[] content) {
            entries.add(new Object[] {e, content});
            return this;
        }

        Layer symlink(String n, String target) {
            entries.add(new Object[] {TarEntry.symlink(n, target, 1_600_000_000), null});
            return this;
        }

        Layer hardlink(String n, String target) {
            entries.add(new Object[] {TarEntry.hardlink(n, target, 1_600_000_000), null});
            return this;
        }

        byte[] tar() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (TarWriter w = new TarWriter(buf)) {
                for (Object[] e : entries) {
                    w.write((TarEntry) e[0], e[1] == null ? new byte[0] : (byte[]) e[1]);
                }
            }
            return buf.toByteArray();
        }

        ApplyResult apply() throws IOException {
            return apply(ApplyOptions.layer(1L << 30, 0));
        }

        ApplyResult apply(ApplyOptions options) throws IOException {
            try (RootDir r = RootDir.open(root)) {
                return TarApplier.apply(new ByteArrayInputStream(tar()), r, options);
            }
        }
    }

    void outsideUntouched() throws IOException {
        assertEquals(List.of("secret"), Files.list(outside).map(p -> p.getFileName().toString()).toList());
        assertEquals("host data\n", Files.readString(outside.resolve("secret")));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(outside.resolve("secret"))));
    }

    @Test
    void absoluteSymlinkIsFollowedInsideTheRoot() throws IOException {
        new Layer().dir(outside.toString().substring(1) + "/").symlink("localetc", outside.toString())
                .file("localetc/unbroken", "x").apply();
        assertTrue(Files.exists(root.resolve(outside.toString().substring(1)).resolve("unbroken")));
        outsideUntouched();
    }

    @Test
    void relativeSymlinkUpAndOutStaysInside() throws IOException {
        String up = "../".repeat(20) + work.relativize(outside).toString();
        new Layer().dir(outside.toString().substring(1) + "/").dir(work.relativize(outside) + "/")
                .symlink("localetc", "../../../../" + outside.toString().substring(1))
                .symlink("other", up).file("localetc/a", "a").file("other/b", "b").apply();
        outsideUntouched();
        assertTrue(Files.exists(root.resolve(outside.toString().substring(1)).resolve("a")));
    }

    @Test
    void symlinkChainThroughTheRootStaysInside() throws IOException {
        new Layer().dir(outside.toString().substring(1) + "/").symlink("dummy", "/")
                .symlink("x", "dummy/" + outside.toString().substring(1))
                .file("x/secret", "overwritten").apply();
        outsideUntouched();
    }

    @Test
    void danglingSymlinkParentIsAClearErrorAsInDocker() {
        IOException e = assertThrows(IOException.class,
                () -> new Layer().symlink("localetc", outside.toString()).file("localetc/x", "x").apply());
        assertTrue(e.getMessage().contains("localetc"), e.getMessage());
        assertTrue(outside.toFile().list().length == 1);
    }

    @Test
    void namesClimbingAboveTheRootAreRefused() {
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> new Layer().file("../../" + outside.getFileName() + "/evil", "x").apply());
        assertTrue(e.getMessage().contains("escapes"), e.getMessage());
    }

    @Test
    void absoluteNamesLandInsideTheRoot() throws IOException {
        new Layer().file(outside + "/secret", "mine").apply();
        outsideUntouched();
        assertEquals("mine", Files.readString(root.resolve(outside.toString().substring(1)).resolve("secret")));
    }

    @Test
    void hardlinkOutOfTheRootIsRefused() throws IOException {
        assertThrows(ArchiveException.class, () -> new Layer().hardlink("h", "../outside/secret").apply());
        assertThrows(ArchiveException.class, () -> new Layer().hardlink("h", outside + "/secret").apply());
        outsideUntouched();
    }

    @Test
    void hardlinkThroughSymlinkResolvesInside() throws IOException {
        new Layer().dir("etc/").file("etc/passwd", "root:x:0:0\n").symlink("dummy", "/")
                .hardlink("h", "dummy/etc/passwd").apply();
        assertEquals(Files.getAttribute(root.resolve("etc/passwd"), "unix:ino"),
                Files.getAttribute(root.resolve("h"), "unix:ino"));
    }

    @Test
    void hardlinkToSymlinkNeverChmodsTheTarget() throws IOException {
        // CVE-2021-32760: symlink to a host file, hardlink to the symlink, then a mode in the header.
        Layer l = new Layer().symlink("link", outside + "/secret");
        l.entry(new TarEntry("hard", TarEntry.Type.HARDLINK, 0777, 0, 0, 0, 1, "link", "", "", 0, 0, null), null);
        l.apply();
        outsideUntouched();
    }

    @Test
    void directoryReplacesASymlinkInsteadOfWritingThroughIt() throws IOException {
        new Layer().symlink("lib", outside.toString()).dir("lib/").file("lib/secret", "inside").apply();
        assertTrue(Files.isDirectory(root.resolve("lib"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        outsideUntouched();
    }

    @Test
    void ociWhiteoutsBecomeOverlayWhiteouts() throws IOException {
        new Layer().symlink("gone-link", "/etc").file("dir/.wh.gone", "").file("opaque/.wh..wh..opq", "")
                .file("opaque/keep", "k").file(".wh.gone-link", "").apply();
        try (RootDir r = RootDir.open(root)) {
            int dir = r.openDir("dir");
            Stat wh = RootDir.lstat(dir, "gone");
            Linux.close(dir);
            assertTrue(wh.isWhiteout(), "whiteout is a 0/0 character device");
            int top = r.openDir("");
            assertTrue(RootDir.lstat(top, "gone-link").isWhiteout(), "a whiteout removes the link, not its target");
            Linux.close(top);
        }
        assertArrayEquals(new byte[] {'y'}, Linux.lgetxattr(root.resolve("opaque").toString(), "trusted.overlay.opaque"));
        assertFalse(Files.exists(root.resolve("opaque/.wh..wh..opq")));
    }

    @Test
    void malformedWhiteoutsAreRefused() {
        for (String bad : List.of(".wh.", "a/.wh..", "a/.wh..wh.x")) {
            assertThrows(ArchiveException.class, () -> new Layer().file(bad, "").apply(), bad);
        }
    }

    @Test
    void metadataIsPreservedExactly() throws IOException {
        byte[] user = {(byte) 0xff, (byte) 0xfe, 0, 1};
        new Layer()
                .entry(new TarEntry("bin/", TarEntry.Type.DIRECTORY, 0750, 1000, 1000, 0, 1_500_000_000, "", "", "", 0, 0,
                        null), null)
                .entry(new TarEntry("bin/tool", TarEntry.Type.FILE, 04755, 70000, 70001, 3, 1_234_567_890, "", "", "",
                        0, 0, Map.of("security.capability", CAPABILITY, "user.bin", user)), "abc".getBytes())
                .apply();
        Path tool = root.resolve("bin/tool");
        assertEquals(70000, Files.getAttribute(tool, "unix:uid"));
        assertEquals(70001, Files.getAttribute(tool, "unix:gid"));
        assertEquals(04755, (int) Files.getAttribute(tool, "unix:mode") & 07777, "set-uid survives chown");
        assertEquals(1_234_567_890L, Files.getLastModifiedTime(tool).toMillis() / 1000);
        assertEquals(1_500_000_000L, Files.getLastModifiedTime(root.resolve("bin")).toMillis() / 1000,
                "directory times are restored after their contents are written");
        assertArrayEquals(CAPABILITY, Linux.lgetxattr(tool.toString(), "security.capability"));
        assertArrayEquals(user, Linux.lgetxattr(tool.toString(), "user.bin"));
    }

    @Test
    void laterMembersReplaceEarlierOnes() throws IOException {
        new Layer().file("a", "first").file("a", "second").dir("b/").file("b/x", "x").file("b", "file now").apply();
        assertEquals("second", Files.readString(root.resolve("a")));
        assertEquals("file now", Files.readString(root.resolve("b")));
    }

    @Test
    void devicesAreSkippedUnlessAllowed() throws IOException {
        TarEntry dev = new TarEntry("dev/sda", TarEntry.Type.BLOCK, 0660, 0, 0, 0, 1, "", "", "", 8, 0, null);
        ApplyResult r = new Layer().entry(dev, null).entry(
                new TarEntry("fifo", TarEntry.Type.FIFO, 0600, 0, 0, 0, 1, "", "", "", 0, 0, null), null).apply();
        assertEquals(1, r.skippedDevices());
        assertFalse(Files.exists(root.resolve("dev/sda")));
        assertTrue(Files.exists(root.resolve("fifo")));
    }

    @Test
    void decompressionBombsHitTheByteLimit() {
        Layer l = new Layer().file("big", "x".repeat(10_000));
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> l.apply(new ApplyOptions(true, true, false, 1000, 100, 0)));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void inodeExhaustionHitsTheEntryLimit() {
        Layer l = new Layer();
        for (int i = 0; i < 50; i++) {
            l.file("f" + i, "");
        }
        assertThrows(ArchiveException.class, () -> l.apply(new ApplyOptions(true, true, false, 1 << 20, 10, 0)));
    }

    @Test
    void aFullDiskStopsBeforeTheReserve() throws IOException {
        long free = Files.getFileStore(root).getUsableSpace();
        Layer l = new Layer().file("f", "data");
        NoSpaceException e = assertThrows(NoSpaceException.class,
                () -> l.apply(new ApplyOptions(true, true, false, 1 << 20, 10, free + (1L << 30))));
        assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
    }

    @Test
    void truncatedArchiveIsAnErrorNotAHang() throws IOException {
        byte[] tar = new Layer().file("f", "x".repeat(5000)).tar();
        byte[] cut = java.util.Arrays.copyOf(tar, 1500);
        try (RootDir r = RootDir.open(root)) {
            assertThrows(IOException.class,
                    () -> TarApplier.apply(new ByteArrayInputStream(cut), r, ApplyOptions.layer(1 << 20, 0)));
        }
    }

    @Test
    void openFlagsMatchThisArchitecture() {
        // A wrong O_NOFOLLOW would silently follow symlinks; check against the kernel by behaviour.
        assertThrows(dev.berth.engine.os.ErrnoException.class, () -> {
            Files.createSymbolicLink(work.resolve("l"), outside.resolve("secret"));
            Linux.openat(OpenFlags.AT_FDCWD, work.resolve("l").toString(), OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW, 0);
        });
    }
}
