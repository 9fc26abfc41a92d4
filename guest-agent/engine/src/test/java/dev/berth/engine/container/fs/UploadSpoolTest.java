package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.RootDir;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarReader;
import dev.berth.oci.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload check of docker cp into a container: hostile names are refused before anything is written
 * (the spool is removed and the container untouched), accepted names are rebased under the destination,
 * noOverwriteDirNonDir is enforced against the container and the archive itself.
 */
class UploadSpoolTest {
    static final byte[] CAPABILITY = {1, 0, 0, 2, 0, 0, 0, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @TempDir
    Path tmp;
    Path container;
    Path staging;
    RootDir root;
    ContainerMounts mounts = ContainerMounts.NONE;

    @BeforeEach
    void rootfs() throws IOException {
        container = Files.createDirectories(tmp.resolve("rootfs"));
        staging = tmp.resolve("staging");
        Files.createDirectories(container.resolve("tmp/www"));
        Files.writeString(container.resolve("tmp/file"), "x");
        root = RootDir.open(container);
    }

    @AfterEach
    void close() {
        root.close();
    }

    static byte[] tar(TarEntry... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            for (TarEntry e : entries) {
                w.write(e, new byte[(int) e.size()]);
            }
        }
        return out.toByteArray();
    }

    static TarEntry file(String name) {
        return TarEntry.file(name, 0644, 3, 1_600_000_000);
    }

    Path spool(byte[] tar, boolean noOverwrite, Long uid) throws IOException {
        return UploadSpool.write(new ByteArrayInputStream(tar), root, new UploadSpool.Options("tmp", "/tmp", "c1",
                noOverwrite, uid, uid, mounts, 1L << 30, 1000, 0), staging);
    }

    static List<TarEntry> read(Path spool) throws IOException {
        List<TarEntry> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(spool)) {
            TarReader r = new TarReader(in);
            for (TarEntry e = r.next(); e != null; e = r.next()) {
                out.add(e);
            }
        }
        return out;
    }

    boolean stagingEmpty() throws IOException {
        if (!Files.exists(staging)) {
            return true;
        }
        try (Stream<Path> s = Files.list(staging)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void namesAreRebasedUnderTheDestination() throws IOException {
        Path s = spool(tar(TarEntry.directory("./", 0755, 1), TarEntry.directory("d/", 0755, 1), file("d/x"),
                file("a/../b"), TarEntry.hardlink("h", "d/x", 1)), false, null);
        List<TarEntry> got = read(s);
        assertEquals(List.of("tmp/d/", "tmp/d/x", "tmp/b", "tmp/h"), got.stream().map(TarEntry::name).toList(),
                "the destination's own entry is dropped, as dockerd does");
        assertEquals("tmp/d/x", got.get(3).linkName(), "hardlink targets are rebased too");
    }

    @Test
    void climbingNamesAreRefusedAndNothingIsKept() {
        for (String evil : List.of("../evil", "a/../../evil", "..", "d/../../../../etc/passwd")) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> spool(tar(file("ok"), file(evil)), false, null), evil);
            assertTrue(e.getMessage().contains("is outside of \"/tmp\"") && e.getMessage().contains("c1"),
                    e.getMessage());
        }
        assertTrue(assertThrows(InvalidArgumentException.class, () -> spool(tar(TarEntry.hardlink("h",
                "../../etc/shadow", 1)), false, null)).getMessage().contains("outside"));
        assertTrue(noSpoolLeft());
    }

    @Test
    void absoluteNamesAreRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spool(tar(file("/etc/cron.d/evil")), false, null));
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
        assertTrue(noSpoolLeft());
    }

    @Test
    void noOverwriteDirNonDirChecksTheContainer() throws IOException {
        InvalidArgumentException dirByFile = assertThrows(InvalidArgumentException.class,
                () -> spool(tar(file("www")), true, null));
        assertEquals("cannot overwrite directory \"/tmp/www\" with non-directory \"www\" (container c1)",
                dirByFile.getMessage());
        InvalidArgumentException fileByDir = assertThrows(InvalidArgumentException.class,
                () -> spool(tar(TarEntry.directory("file/", 0755, 1)), true, null));
        assertTrue(fileByDir.getMessage().startsWith("cannot overwrite non-directory \"/tmp/file\""));
        assertTrue(noSpoolLeft());
        // without the flag, dockerd replaces (the CLI always sends it; other clients may not)
        assertEquals(1, read(spool(tar(file("www")), false, null)).size());
    }

    @Test
    void mountPointsOfARunningContainerAreNeverReplaced() throws IOException {
        Files.writeString(container.resolve("tmp/hosts"), "bind-mounted\n");
        Files.createDirectories(container.resolve("tmp/data/vol"));
        mounts = new ContainerMounts(java.util.Set.of(), java.util.Set.of("/tmp/hosts", "/tmp/data/vol"));
        for (TarEntry replacing : List.of(file("hosts"), file("data"), TarEntry.directory("hosts/", 0755, 1))) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> spool(tar(replacing), false, null), replacing.name());
            assertTrue(e.getMessage().endsWith("device or resource busy"), e.getMessage());
        }
        Files.createSymbolicLink(container.resolve("tmp/link"), Path.of("/tmp/data"));
        assertThrows(InvalidArgumentException.class, () -> spool(tar(file("link/vol")), false, null),
                "a link in the container does not hide the mount point behind it");
        assertTrue(noSpoolLeft());
        assertEquals(2, read(spool(tar(TarEntry.directory("data/", 0755, 1), file("data/vol/f")), false, null)).size(),
                "merging into a mounted directory and writing below it are fine");
    }

    @Test
    void mountInfoPathsAreUnescaped() {
        assertEquals("/my dir/a\\b", ContainerMounts.unescape("/my\\040dir/a\\134b"));
        assertTrue(new ContainerMounts(java.util.Set.of(), java.util.Set.of("/data/vol")).holdsMount("/data"));
        assertFalse(new ContainerMounts(java.util.Set.of(), java.util.Set.of("/data/vol")).holdsMount("/dat"));
    }

    @Test
    void noOverwriteDirNonDirChecksEarlierEntriesOfTheArchive() {
        assertThrows(InvalidArgumentException.class,
                () -> spool(tar(file("new"), TarEntry.directory("new/", 0755, 1)), true, null));
    }

    @Test
    void copyUidGidOwnsEverythingByTheContainerUser() throws IOException {
        List<TarEntry> got = read(spool(tar(file("a").withOwner(1000, 1000), TarEntry.directory("d/", 0755, 1)),
                false, 65534L));
        assertTrue(got.stream().allMatch(e -> e.uid() == 65534 && e.gid() == 65534), got.toString());
        List<TarEntry> kept = read(spool(tar(file("a").withOwner(1234, 4321)), false, null));
        assertEquals(1234, kept.getFirst().uid(), "without copyUIDGID the archive's owner stays, as in dockerd");
        assertEquals(4321, kept.getFirst().gid());
    }

    @Test
    void overlayAttributesAreDroppedAndCapabilitiesKept() throws IOException {
        TarEntry e = file("bin").withXattrs(Map.of("trusted.overlay.opaque", new byte[] {'y'},
                "trusted.overlay.redirect", "/x".getBytes(), "security.capability", CAPABILITY));
        TarEntry got = read(spool(tar(e), false, null)).getFirst();
        assertEquals(List.of("security.capability"), List.copyOf(got.xattrs().keySet()));
        assertArrayEquals(CAPABILITY, got.xattrs().get("security.capability"));
    }

    @Test
    void compressedUploadsAreAccepted() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(tar(file("zipped")));
        }
        assertEquals("tmp/zipped", read(spool(gz.toByteArray(), false, null)).getFirst().name());
    }

    @Test
    void entryCountIsBounded() {
        TarEntry[] many = new TarEntry[1001];
        for (int i = 0; i < many.length; i++) {
            many[i] = file("f" + i);
        }
        assertThrows(ArchiveException.class, () -> spool(tar(many), false, null));
    }

    private boolean noSpoolLeft() {
        try {
            return stagingEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
