package dev.berth.engine.image.archive;

import dev.berth.engine.archive.Decompress;
import dev.berth.oci.Digest;
import dev.berth.oci.HashingOutputStream;
import dev.berth.oci.MediaTypes;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Compression helpers of load and import. Uncompressed layers are gzipped for the content store at level 1:
 * loading must not take much longer than docker's, registries accept any gzip level, and the JDK's gzip
 * header has no timestamp, so the same tar always gives the same blob digest (loads of one layer dedupe).
 */
final class Codecs {
    private Codecs() {}

    /**
     * The media type to record for a compressed layer blob: the one the archive's manifest gave if it agrees
     * with the content, else Docker's gzip type or OCI's zstd type.
     */
    static String layerMediaType(String claimed, Decompress.Codec codec) {
        String suffix = codec == Decompress.Codec.ZSTD ? "zstd" : "gzip";
        if (claimed != null && MediaTypes.isLayer(claimed) && claimed.endsWith(suffix)) {
            return claimed;
        }
        return codec == Decompress.Codec.ZSTD ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.DOCKER_LAYER_GZIP;
    }

    /**
     * {@code in} with close() disarmed: decompressors must be closed (zstd holds native memory), but the
     * caller's stream (a request body) is the caller's to close.
     */
    static InputStream shielded(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // the caller closes the underlying stream
            }
        };
    }

    /** A gzip file being written, hashed on the way to disk so its blob digest is known when it is finished. */
    static final class GzipFile extends OutputStream {
        private final Path path;
        private final HashingOutputStream hashed;
        private final GZIPOutputStream gzip;
        private boolean finished;
        private Digest digest;

        GzipFile(Path path) throws IOException {
            this.path = path;
            this.hashed = new HashingOutputStream(new BufferedOutputStream(Files.newOutputStream(path,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16));
            this.gzip = new GZIPOutputStream(hashed, 1 << 16) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
        }

        @Override
        public void write(int b) throws IOException {
            gzip.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            gzip.write(b, off, len);
        }

        /** Ends the gzip stream and the file; idempotent. */
        @Override
        public void close() throws IOException {
            if (!finished) {
                finished = true;
                gzip.close();
                digest = hashed.digest();
            }
        }

        boolean finished() {
            return finished;
        }

        Path path() {
            return path;
        }

        long size() {
            return hashed.count();
        }

        /** Valid after {@link #close()}. */
        Digest digest() {
            return digest;
        }
    }

    /** Copies every byte read through it to {@code sink}: one read of a layer both unpacks and gzips it. */
    static final class TeeInputStream extends FilterInputStream {
        private final OutputStream sink;

        TeeInputStream(InputStream in, OutputStream sink) {
            super(in);
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                sink.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                sink.write(b, off, n);
            }
            return n;
        }

        /** Skips by reading: the sink needs every byte. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
