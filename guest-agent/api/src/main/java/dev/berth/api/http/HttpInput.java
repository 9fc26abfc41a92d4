package dev.berth.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A buffered input stream that can also read protocol lines. After a request head has been read, the bytes
 * the client already sent behind it (a body, or raw stdin on a hijacked stream) stay in this buffer; every
 * later reader must read through this object, never the raw channel.
 */
public final class HttpInput extends InputStream {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int end;

    public HttpInput(InputStream in) {
        this(in, 16 * 1024);
    }

    public HttpInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /**
     * Reads one line terminated by LF (a preceding CR is dropped), decoded as ISO-8859-1 so every byte maps to
     * one char. Returns null at EOF before any byte. A line longer than {@code max} bytes is an error
     * carrying {@code tooLongStatus}; a bare CR inside a line is an error (request smuggling defence).
     */
    public String readLine(int max, int tooLongStatus) throws IOException {
        StringBuilder sb = new StringBuilder();
        int count = 0;
        while (true) {
            if (pos == end && !fill()) {
                if (count == 0) {
                    return null;
                }
                throw new HttpException(400, "unexpected end of stream inside a line");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                if (sb.indexOf("\r") >= 0) {
                    throw new HttpException(400, "bare CR in line");
                }
                return sb.toString();
            }
            if (++count > max) {
                throw new HttpException(tooLongStatus, "line longer than " + max + " bytes");
            }
            sb.append((char) (b & 0xff));
        }
    }

    /** Bytes already buffered and readable without blocking. */
    public int buffered() {
        return end - pos;
    }

    @Override
    public int read() throws IOException {
        if (pos == end && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == end) {
            // Large reads bypass the buffer: no copy for bulk bodies.
            if (len >= buf.length) {
                return in.read(b, off, len);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, end - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (end - pos) + in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
