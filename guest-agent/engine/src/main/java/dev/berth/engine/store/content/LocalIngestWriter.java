package dev.berth.engine.store.content;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.Trees;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;

/** An ingest in {@code content/ingest/<key>/}: appends to {@code data}, hashing as it goes. */
final class LocalIngestWriter implements IngestWriter {
    private final LocalContentStore store;
    private final String ref;
    private final Path dir;
    private final Path data;
    private final Digest expected;
    private final long expectedSize;
    private final FileChannel channel;
    private MessageDigest hash;
    private long written;
    private boolean done;

    LocalIngestWriter(LocalContentStore store, String ref, Path dir, Digest expected, long expectedSize)
            throws IOException {
        this.store = store;
        this.ref = ref;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.channel = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        resume();
    }

    /** Re-hashes what an earlier writer left, so the digest covers the whole blob after a resume. */
    private void resume() throws IOException {
        hash = expected.newHasher();
        long size = channel.size();
        if (expectedSize >= 0 && size > expectedSize) {
            channel.truncate(0); // more than the blob can hold: the partial data is wrong
            size = 0;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = channel.read(buf, pos);
            if (n <= 0) {
                break;
            }
            hash.update(buf.array(), 0, n);
            pos += n;
        }
        written = pos;
        channel.position(written);
    }

    @Override
    public long offset() {
        return written;
    }

    @Override
    public OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                hash.update(b, off, len);
                written += len;
            }
        };
    }

    @Override
    public InputStream readWritten() throws IOException {
        return new java.io.BufferedInputStream(
                Channels.newInputStream(FileChannel.open(data, StandardOpenOption.READ)), 1 << 16) {
            private long left = written;

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    @Override
    public void reset() throws IOException {
        channel.truncate(0);
        channel.position(0);
        hash = expected.newHasher();
        written = 0;
    }

    @Override
    public BlobInfo commit() throws IOException {
        channel.force(true);
        channel.close();
        Digest actual = new Digest(expected.algorithm(), java.util.HexFormat.of().formatHex(hash.digest()));
        if (expectedSize >= 0 && written != expectedSize) {
            abort();
            throw new InvalidArgumentException("blob " + expected + " has " + written + " bytes, expected "
                    + expectedSize);
        }
        if (!actual.equals(expected)) {
            abort();
            throw new InvalidArgumentException("digest mismatch: content of blob " + expected + " hashes to "
                    + actual);
        }
        store.publish(data, expected);
        finish();
        return store.info(expected).orElseThrow(() -> new IOException("committed blob " + expected + " vanished"));
    }

    @Override
    public void abort() throws IOException {
        channel.close();
        finish();
    }

    private void finish() throws IOException {
        done = true;
        Trees.delete(dir);
        store.release(ref);
    }

    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            channel.close();
            Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.from(Instant.now()));
            store.release(ref);
        }
    }
}
