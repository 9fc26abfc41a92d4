package dev.berth.api.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A body of known length: reads stop at the end of it, and a peer that hangs up early is an error. */
public final class FixedLengthInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    public FixedLengthInputStream(InputStream in, long length) {
        this.in = in;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("connection closed with " + remaining + " body bytes missing");
        }
        remaining -= n;
        return n;
    }

    public long remaining() {
        return remaining;
    }
}
