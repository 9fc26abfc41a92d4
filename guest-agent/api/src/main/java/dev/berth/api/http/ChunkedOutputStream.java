package dev.berth.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a chunked body. Every {@link #write} becomes one chunk and is flushed, because Docker clients read
 * streams (pull progress, logs, events) message by message and must see each one as it happens.
 */
public final class ChunkedOutputStream extends OutputStream {
    private final OutputStream out;
    private boolean closed;

    public ChunkedOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("chunked stream already finished");
        }
        if (len == 0) {
            return; // a zero-length chunk would end the body
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b, off, len);
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Writes the last chunk. The underlying stream stays open for the next response. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
