package dev.berth.oci.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives we write are read by GNU tar, and archives GNU tar writes (its own long-name form) are read by us. */
class GnuTarCompatibilityTest {
    @TempDir
    Path tmp;

    @Test
    void gnuTarListsWhatWeWrite() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")),
                "GNU tar is not installed");
        String longName = "x/" + "n".repeat(150);
        byte[] tar = TarRoundTripTest.write(List.of(TarEntry.directory("x/", 0755, 1),
                TarEntry.file(longName, 0644, 0, 1), TarEntry.symlink("x/l", "/" + "t".repeat(120), 1)));
        Path file = tmp.resolve("a.tar");
        Files.write(file, tar);
        Process p = new ProcessBuilder("tar", "-tf", file.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), listing);
        assertTrue(listing.contains(longName), listing);
    }

    @Test
    void weReadGnuLongNames() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")),
                "GNU tar is not installed");
        Path root = tmp.resolve("src");
        Path deep = root.resolve("d".repeat(90)).resolve("e".repeat(90));
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("f".repeat(100)), "content");
        Path file = tmp.resolve("gnu.tar");
        Process p = new ProcessBuilder("tar", "--format=gnu", "-cf", file.toString(), "-C", root.toString(), ".")
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        List<String> names = new ArrayList<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            for (TarEntry e = r.next(); e != null; e = r.next()) {
                names.add(e.name());
                if (e.type() == TarEntry.Type.FILE) {
                    assertEquals("content", new String(r.content().readAllBytes()));
                }
            }
        }
        assertTrue(names.stream().anyMatch(n -> n.endsWith("f".repeat(100))), names.toString());
    }
}
