package dev.berth.engine.image.archive;

import static dev.berth.engine.image.archive.ArchiveFixtures.file;
import static dev.berth.engine.image.archive.ArchiveFixtures.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.archive.ArchiveException;
import dev.berth.engine.archive.Decompress;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import dev.berth.oci.tar.TarEntry;
import dev.berth.testkit.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Staging of uploaded archives: only regular files reach the disk, symlinks resolve inside the archive. */
class StagedArchiveTest {
    Path staging;

    @BeforeEach
    void setUp() throws IOException {
        staging = Files.createTempDirectory("staging");
    }

    @AfterEach
    void tearDown() {
        TempDirs.deleteRecursively(staging);
    }

    private StagedArchive stage(byte[] tar) throws IOException {
        return StagedArchive.extract(new ByteArrayInputStream(tar), staging, 0, 1 << 20);
    }

    @Test
    void filesAreHashedAndSniffedAndSymlinksFollowedInside() throws IOException {
        byte[] gzipped = ImageArchivesHostileIT.gzip("x".getBytes());
        byte[] archive = tar(t -> {
            file(t, "abc/layer.tar", "layer".getBytes());
            t.write(TarEntry.symlink("def/layer.tar", "../abc/layer.tar", 0), new byte[0]);
            t.write(TarEntry.symlink("alias", "abc", 0), new byte[0]);
            t.write(TarEntry.hardlink("hard", "alias/layer.tar", 0), new byte[0]);
            file(t, "z.gz", gzipped);
        });
        try (StagedArchive a = stage(archive)) {
            StagedFile f = a.file("def/layer.tar", "layer");
            assertEquals("abc/layer.tar", f.name());
            assertEquals(Digest.sha256("layer".getBytes()), f.sha256());
            assertEquals(Decompress.Codec.NONE, f.codec());
            assertEquals(f, a.file("alias/layer.tar", "layer"));
            assertEquals(f, a.file("hard", "layer"));
            assertEquals(Decompress.Codec.GZIP, a.file("z.gz", "blob").codec());
            assertTrue(a.find("abc/missing").isEmpty());
            assertThrows(InvalidArgumentException.class, () -> a.file("abc", "layer"), "a directory is not a file");
        }
        assertEmpty();
    }

    @Test
    void stagedFilesAreNamedByTheStager() throws IOException {
        byte[] archive = tar(t -> file(t, "blobs/sha256/weird name; rm -rf", "x".getBytes()));
        try (StagedArchive a = stage(archive)) {
            Path p = a.file("blobs/sha256/weird name; rm -rf", "blob").path();
            assertEquals(1, p.getNameCount() - staging.getNameCount() - 1, "flat under the archive's directory");
            assertTrue(p.getFileName().toString().matches("\\d+"));
        }
    }

    @Test
    void loopsAndEscapesThroughChainedLinksAreRefused() throws IOException {
        byte[] loop = tar(t -> {
            t.write(TarEntry.symlink("a", "b", 0), new byte[0]);
            t.write(TarEntry.symlink("b", "a", 0), new byte[0]);
        });
        try (StagedArchive a = stage(loop)) {
            assertTrue(assertThrows(ArchiveException.class, () -> a.find("a/x")).getMessage()
                    .contains("too many levels of symlinks"));
        }
        byte[] chained = tar(t -> {
            t.write(TarEntry.symlink("d/up", "..", 0), new byte[0]);
            t.write(TarEntry.symlink("e", "d/up", 0), new byte[0]);
        });
        try (StagedArchive a = stage(chained)) {
            assertTrue(a.find("e/e/e/x").isEmpty(), "stays at the root however often it is followed");
        }
        assertEmpty();
    }

    @Test
    void hostileEntriesAreRefusedAndStagingIsCleaned() throws IOException {
        byte[][] hostile = {
            tar(t -> file(t, "../x", new byte[1])),
            tar(t -> file(t, "/etc/x", new byte[1])),
            tar(t -> t.write(TarEntry.symlink("s", "/etc", 0), new byte[0])),
            tar(t -> t.write(TarEntry.symlink("s", "a/../../etc", 0), new byte[0])),
            tar(t -> t.write(TarEntry.hardlink("h", "/etc/passwd", 0), new byte[0])),
            tar(t -> t.write(TarEntry.hardlink("h", "missing", 0), new byte[0])),
            tar(t -> t.write(new TarEntry("dev", TarEntry.Type.CHAR, 0600, 0, 0, 0, 0, "", "", "", 1, 3, null),
                    new byte[0])),
            tar(t -> {
                file(t, "f", new byte[1]);
                file(t, "f/g", new byte[1]);
            }),
        };
        for (byte[] archive : hostile) {
            assertThrows(ArchiveException.class, () -> stage(archive).close());
            assertEmpty();
        }
    }

    @Test
    void membersOverTheSizeBoundAreRefusedBeforeTheyAreWritten() throws IOException {
        byte[] big = tar(t -> file(t, "blobs/sha256/big", new byte[(1 << 20) + 1]));
        assertTrue(assertThrows(ArchiveException.class, () -> stage(big).close()).getMessage()
                .contains("blobs/sha256/big has 1048577 bytes, more than the limit of 1048576"));
        byte[] metadata = tar(t -> file(t, "index.json", new byte[(int) ArchiveLimits.MAX_METADATA + 1]));
        assertThrows(ArchiveException.class, () -> StagedArchive.extract(new ByteArrayInputStream(metadata), staging,
                0, 1L << 30).close());
        byte[] reserve = tar(t -> file(t, "f", new byte[10]));
        assertThrows(dev.berth.engine.archive.NoSpaceException.class, () -> StagedArchive.extract(
                new ByteArrayInputStream(reserve), staging, Long.MAX_VALUE, 1 << 20).close(), "free-space reserve");
        assertEmpty();
    }

    @Test
    void laterMembersReplaceEarlierOnes() throws IOException {
        byte[] archive = tar(t -> {
            file(t, "m", "one".getBytes());
            file(t, "m", "two".getBytes());
            t.write(TarEntry.symlink("n", "m", 0), new byte[0]);
            file(t, "n", "three".getBytes());
        });
        try (StagedArchive a = stage(archive)) {
            assertEquals(Digest.sha256("two".getBytes()), a.file("m", "f").sha256());
            assertEquals(Digest.sha256("three".getBytes()), a.file("n", "f").sha256());
        }
    }

    private void assertEmpty() throws IOException {
        try (Stream<Path> s = Files.list(staging)) {
            assertFalse(s.findAny().isPresent(), "staging is empty");
        }
    }
}
