package dev.berth.engine.image.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.util.function.LongConsumer;

/**
 * The body of a blob PUT: exactly {@code size} bytes of the caller's content, streamed, with progress. A
 * source that ends early fails the upload (rather than sending a short blob under a declared length), and
 * the failure is kept so the caller can tell a local read error from a network one.
 */
final class UploadBody implements AutoCloseable {
    private final IOSupplier<InputStream> content;
    private final long size;
    private final LongConsumer progress;
    private Exact current;
    private volatile IOException sourceFailure;

    UploadBody(IOSupplier<InputStream> content, long size, LongConsumer progress) {
        this.content = content;
        this.size = size;
        this.progress = progress == null ? n -> {} : progress;
    }

    /** A publisher over a fresh stream; called once per attempt (auth retry, 307), progress restarts at 0. */
    synchronized BodyPublisher next() throws IOException {
        close();
        if (size == 0) {
            return HttpRequest.BodyPublishers.noBody(); // fromPublisher wants a positive length
        }
        InputStream in = content.get();
        if (in == null) {
            throw new IOException("no content to upload");
        }
        Exact exact = new Exact(in);
        current = exact;
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> exact), size);
    }

    /** The error reading the caller's content, if that is what failed the upload. */
    IOException sourceFailure() {
        return sourceFailure;
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // a source we only read from
            }
            current = null;
        }
    }

    /** Yields exactly {@code size} bytes: stops there, and fails if the source ends before. */
    private final class Exact extends FilterInputStream {
        private long sent;

        Exact(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent >= size) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, (int) Math.min(len, size - sent));
            } catch (IOException e) {
                sourceFailure = e;
                throw e;
            }
            if (n < 0) {
                sourceFailure = new IOException("content ended after " + sent + " of " + size + " bytes");
                throw sourceFailure;
            }
            sent += n;
            progress.accept(sent);
            return n;
        }
    }
}
