package dev.berth.api.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Decodes a chunked message body. Chunk extensions and trailers are read (bounded) and ignored. */
public final class ChunkedInputStream extends InputStream {
    private final HttpInput in;
    private final HttpLimits limits;
    private long chunkLeft;
    private boolean done;

    public ChunkedInputStream(HttpInput in, HttpLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (chunkLeft == 0) {
            chunkLeft = nextChunkSize();
            if (chunkLeft == 0) {
                readTrailers();
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, chunkLeft));
        if (n < 0) {
            throw new EOFException("connection closed inside a chunk");
        }
        chunkLeft -= n;
        if (chunkLeft == 0) {
            String crlf = in.readLine(2, 400);
            if (crlf == null || !crlf.isEmpty()) {
                throw new HttpException(400, "missing CRLF after chunk data");
            }
        }
        return n;
    }

    private long nextChunkSize() throws IOException {
        String line = in.readLine(limits.maxChunkLine(), 400);
        if (line == null) {
            throw new EOFException("connection closed before the last chunk");
        }
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new HttpException(400, "invalid chunk size: \"" + line + "\"");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new HttpException(400, "invalid chunk size: \"" + line + "\"");
            }
            size = (size << 4) | d;
        }
        return size;
    }

    private void readTrailers() throws IOException {
        int total = 0;
        while (true) {
            String line = in.readLine(limits.maxHeaderBytes(), 431);
            if (line == null) {
                throw new EOFException("connection closed inside chunked trailers");
            }
            if (line.isEmpty()) {
                return;
            }
            total += line.length();
            if (total > limits.maxHeaderBytes()) {
                throw new HttpException(431, "trailers too large");
            }
        }
    }
}
