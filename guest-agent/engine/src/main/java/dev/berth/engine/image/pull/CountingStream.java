package dev.berth.engine.image.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * The network side of a layer download: every byte read is copied to the ingest (so the compressed blob is
 * kept and a cut download resumes from it) and counted for the progress bar.
 */
final class CountingStream extends FilterInputStream {
    private final OutputStream tee;
    private final LongConsumer onProgress;
    private long count;
    private boolean eof;

    CountingStream(InputStream in, OutputStream tee, long start, LongConsumer onProgress) {
        super(in);
        this.tee = tee;
        this.count = start;
        this.onProgress = onProgress;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            eof = true;
        }
        if (n > 0) {
            tee.write(b, off, n);
            count += n;
            onProgress.accept(count);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would leave a hole in the kept blob: read through instead.
        return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
    }

    long count() {
        return count;
    }

    /**
     * Does not close the network body: SequenceInputStream closes each part at its end, but the trailing
     * bytes must still be drained into the blob, and the response's owner closes it.
     */
    @Override
    public void close() {
        // see above
    }

    /** Reads what the decompressor left unread (trailer bytes), so the blob is complete. */
    void drain() throws IOException {
        byte[] buf = new byte[8192];
        while (read(buf, 0, buf.length) >= 0) {
            // copied to the ingest by read()
        }
    }
}
