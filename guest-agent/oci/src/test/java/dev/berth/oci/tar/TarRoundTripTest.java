package dev.berth.oci.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TarRoundTripTest {
    /** The bytes of a real file capability (cap_net_bind_service+ep): not valid UTF-8. */
    static final byte[] CAPABILITY = {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80,
            (byte) 0xff, (byte) 0xfe};

    @Test
    void everyKindOfMemberSurvivesAWriteAndARead() throws IOException {
        String longName = "deep/" + "d".repeat(120) + "/" + "f".repeat(110);
        String longLink = "/" + "t".repeat(150);
        List<TarEntry> in = List.of(
                TarEntry.directory("bin/", 0755, 1000),
                TarEntry.file("bin/tool", 04755, 5, 1000).withXattrs(Map.of("security.capability", CAPABILITY)),
                TarEntry.symlink("bin/link", "tool", 1000),
                TarEntry.hardlink("bin/hard", "bin/tool", 1000),
                TarEntry.file(longName, 0600, 3, 2000).withOwner(70000, 9_000_000),
                TarEntry.symlink("far", longLink, 1000),
                TarEntry.file("ünïcode/名前", 0644, 0, 1000));
        byte[] tar = write(in);

        List<TarEntry> out = new ArrayList<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            for (TarEntry e = r.next(); e != null; e = r.next()) {
                out.add(e);
                if (e.name().equals("bin/tool")) {
                    assertEquals("hello", new String(r.content().readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(in.size(), out.size());
        for (int i = 0; i < in.size(); i++) {
            TarEntry a = in.get(i);
            TarEntry b = out.get(i);
            assertEquals(a.name(), b.name());
            assertEquals(a.type(), b.type());
            assertEquals(a.mode(), b.mode(), a.name());
            assertEquals(a.uid(), b.uid(), a.name());
            assertEquals(a.gid(), b.gid(), a.name());
            assertEquals(a.size(), b.size(), a.name());
            assertEquals(a.mtime(), b.mtime(), a.name());
            assertEquals(a.linkName(), b.linkName(), a.name());
            assertEquals(a.xattrs().keySet(), b.xattrs().keySet(), a.name());
        }
        assertArrayEquals(CAPABILITY, out.get(1).xattrs().get("security.capability"),
                "binary xattr bytes must be preserved exactly");
    }

    @Test
    void sameEntriesGiveSameBytes() throws IOException {
        List<TarEntry> in = List.of(TarEntry.directory("a/", 0755, 1), TarEntry.file("a/b", 0644, 5, 1));
        assertArrayEquals(write(in), write(in));
    }

    @Test
    void corruptHeaderIsRefused() throws IOException {
        byte[] tar = write(List.of(TarEntry.file("x", 0644, 5, 1)));
        tar[10] ^= 0x55;
        TarFormatException e = assertThrows(TarFormatException.class,
                () -> new TarReader(new ByteArrayInputStream(tar)).next());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedContentIsAnError() throws IOException {
        byte[] tar = write(List.of(TarEntry.file("x", 0644, 5, 1)));
        byte[] cut = java.util.Arrays.copyOf(tar, 512 + 2);
        TarReader r = new TarReader(new ByteArrayInputStream(cut));
        r.next();
        assertThrows(EOFException.class, () -> r.content().readAllBytes());
    }

    @Test
    void sparseAndOtherExoticMembersAreRefusedByName() throws IOException {
        byte[] tar = write(List.of(TarEntry.file("x", 0644, 0, 1)));
        tar[156] = 'S';
        fixChecksum(tar);
        TarFormatException e = assertThrows(TarFormatException.class,
                () -> new TarReader(new ByteArrayInputStream(tar)).next());
        assertTrue(e.getMessage().contains("'S'") && e.getMessage().contains("x"), e.getMessage());
    }

    @Test
    void oversizedPaxHeaderIsRefused() throws IOException {
        byte[] big = new byte[4096];
        byte[] tar = write(List.of(TarEntry.file("x", 0644, 0, 1).withXattrs(Map.of("user.big", big))));
        TarReader r = new TarReader(new ByteArrayInputStream(tar), new TarReader.Limits(1024, 4096));
        assertThrows(TarFormatException.class, r::next);
    }

    @Test
    void endWithoutTrailerBlocksIsAccepted() throws IOException {
        byte[] tar = write(List.of(TarEntry.file("x", 0644, 5, 1)));
        byte[] noTrailer = java.util.Arrays.copyOf(tar, 1024);
        TarReader r = new TarReader(new ByteArrayInputStream(noTrailer));
        assertEquals("x", r.next().name());
        assertNull(r.next());
    }

    @Test
    void base256NumbersAreRead() throws TarFormatException {
        byte[] h = new byte[12];
        h[0] = (byte) 0x80;
        h[11] = 1;
        h[10] = 2;
        assertEquals(513, TarReader.parseNumber(h, 0, 12, "size"));
    }

    static byte[] write(List<TarEntry> entries) throws IOException {
        var buf = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(buf)) {
            for (TarEntry e : entries) {
                byte[] content = e.type() == TarEntry.Type.FILE
                        ? (e.name().equals("bin/tool") ? "hello".getBytes() : new byte[(int) e.size()])
                        : new byte[0];
                w.write(e, content);
            }
        }
        return buf.toByteArray();
    }

    static void fixChecksum(byte[] tar) {
        java.util.Arrays.fill(tar, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[i] & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, tar, 148, 8);
    }
}
