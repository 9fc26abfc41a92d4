package dev.berth.engine.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Opens a layer blob as an uncompressed tar stream, choosing the codec by the content's magic bytes rather
 * than the media type (registries mislabel layers). Decompression runs in-process with bounded memory:
 * never by shelling out (CVE-2014-9357), and zstd frames may not ask for a window over 128 MiB.
 */
public final class Decompress {
    /** 2^27 = 128 MiB: zstd's own default limit for streaming; larger windows are a memory bomb. */
    static final int ZSTD_MAX_WINDOW_LOG = 27;

    private Decompress() {}

    public enum Codec { GZIP, ZSTD, NONE }

    /** Detects the codec of {@code in} and returns the decompressed stream. */
    public static InputStream open(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        return switch (sniff(b)) {
            case GZIP -> new GZIPInputStream(b, 1 << 16);
            case ZSTD -> {
                ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(b);
                z.setLongMax(ZSTD_MAX_WINDOW_LOG);
                yield new BufferedInputStream(z, 1 << 16);
            }
            case NONE -> b;
        };
    }

    static Codec sniff(BufferedInputStream b) throws IOException {
        b.mark(4);
        byte[] magic = b.readNBytes(4);
        b.reset();
        return sniff(magic, magic.length);
    }

    /** The codec whose magic number starts {@code magic} (of which {@code length} bytes are valid). */
    public static Codec sniff(byte[] magic, int length) {
        if (length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Codec.GZIP;
        }
        if (length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return Codec.ZSTD;
        }
        return Codec.NONE;
    }
}
