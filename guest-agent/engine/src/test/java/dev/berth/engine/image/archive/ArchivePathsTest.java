package dev.berth.engine.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArchivePathsTest {
    static final String HEX = "a".repeat(64);

    @Test
    void entryNamesAreNormalized() throws ArchiveException {
        assertEquals("blobs/sha256/x", ArchivePaths.entryName("./blobs//sha256/./x"));
        assertEquals("blobs", ArchivePaths.entryName("blobs/"));
        assertEquals("", ArchivePaths.entryName("./"));
    }

    @Test
    void entryNamesLeavingTheArchiveAreRefused() {
        assertTrue(assertThrows(ArchiveException.class, () -> ArchivePaths.entryName("../x")).getMessage()
                .contains("../x points outside the archive"));
        assertThrows(ArchiveException.class, () -> ArchivePaths.entryName("a/../../x"));
        assertThrows(ArchiveException.class, () -> ArchivePaths.entryName("a/.."));
        assertTrue(assertThrows(ArchiveException.class, () -> ArchivePaths.entryName("/etc/passwd")).getMessage()
                .contains("absolute path"));
    }

    @Test
    void manifestReferencesMustStayInside() {
        assertEquals("abc/layer.tar", ArchivePaths.reference("./abc/layer.tar", "layer"));
        assertThrows(InvalidArgumentException.class, () -> ArchivePaths.reference("../../etc/passwd", "layer"));
        assertThrows(InvalidArgumentException.class, () -> ArchivePaths.reference("/etc/passwd", "config"));
        assertThrows(InvalidArgumentException.class, () -> ArchivePaths.reference("", "config"));
        assertThrows(InvalidArgumentException.class, () -> ArchivePaths.reference(null, "config"));
        assertThrows(InvalidArgumentException.class, () -> ArchivePaths.reference("./", "config"));
    }

    @Test
    void fileNamesClaimDigests() {
        assertEquals(Optional.of(new Digest("sha256", HEX)), ArchivePaths.claimedDigest("blobs/sha256/" + HEX));
        assertEquals(Optional.of(new Digest("sha256", HEX)), ArchivePaths.claimedDigest(HEX + ".json"));
        assertEquals(Optional.empty(), ArchivePaths.claimedDigest(HEX + "/layer.tar"));
        assertEquals(Optional.empty(), ArchivePaths.claimedDigest("manifest.json"));
        assertThrows(InvalidArgumentException.class, () -> ArchivePaths.claimedDigest("blobs/sha256/abc"));
        assertEquals("blobs/sha256/" + HEX, ArchivePaths.blobPath(new Digest("sha256", HEX)));
    }
}
