package dev.berth.engine.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class DecompressTest {
    static final byte[] DATA = "layer bytes ".repeat(10_000).getBytes();

    @Test
    void gzipZstdAndPlainAreDetectedByContent() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
            o.write(DATA);
        }
        ByteArrayOutputStream zs = new ByteArrayOutputStream();
        try (ZstdOutputStreamNoFinalizer o = new ZstdOutputStreamNoFinalizer(zs)) {
            o.write(DATA);
        }
        for (byte[] blob : new byte[][] {gz.toByteArray(), zs.toByteArray(), DATA}) {
            assertArrayEquals(DATA, Decompress.open(new ByteArrayInputStream(blob)).readAllBytes());
        }
    }

    @Test
    void zstdFramesAskingForAHugeWindowAreRefused() {
        // A hand-made frame: magic, descriptor 0x00 (not single-segment), window descriptor 0xA0 = 2^30 bytes,
        // then one raw last block holding "hello". Decoding it would need a 1 GiB window.
        byte[] frame = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) 0xa0, 0x29, 0x00, 0x00,
            'h', 'e', 'l', 'l', 'o'};
        assertThrows(IOException.class, () -> Decompress.open(new ByteArrayInputStream(frame)).readAllBytes());
        byte[] small = frame.clone();
        small[5] = (byte) 0x40; // 2^18 window: fine
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(
                () -> Decompress.open(new ByteArrayInputStream(small)).readAllBytes());
    }

    @Test
    void truncatedGzipIsAnError() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream o = new GZIPOutputStream(gz)) {
            o.write(DATA);
        }
        byte[] cut = java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
        assertThrows(IOException.class, () -> Decompress.open(new ByteArrayInputStream(cut)).readAllBytes());
    }
}
