package dev.berth.api.stream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Docker's stream multiplexing ("stdcopy"): every chunk of output is a frame with an 8-byte header — the
 * stream (1 stdout, 2 stderr, 3 an engine error), three zero bytes, and the payload length, big-endian.
 * Used by attach, exec and logs of containers without a terminal.
 */
public final class Stdcopy {
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int SYSTEM_ERROR = 3;

    /** Frames larger than this are not output but a corrupt stream. */
    static final int MAX_FRAME = 16 << 20;

    private Stdcopy() {}

    /** Copies frames to {@code out}/{@code err} until the stream ends; an engine error frame is thrown. */
    public static void demux(InputStream in, OutputStream out, OutputStream err) throws IOException {
        byte[] header = new byte[8];
        while (true) {
            int first = in.read();
            if (first < 0) {
                return;
            }
            header[0] = (byte) first;
            readFully(in, header, 1, 7);
            int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
            if (length < 0 || length > MAX_FRAME || header[1] != 0 || header[2] != 0 || header[3] != 0) {
                throw new IOException("corrupt output stream: bad frame header");
            }
            byte[] payload = new byte[length];
            readFully(in, payload, 0, length);
            switch (first) {
                case STDOUT -> write(out, payload);
                case STDERR -> write(err, payload);
                case SYSTEM_ERROR -> throw new IOException(new String(payload, StandardCharsets.UTF_8));
                default -> throw new IOException("corrupt output stream: unknown stream " + first);
            }
        }
    }

    private static void write(OutputStream o, byte[] b) throws IOException {
        o.write(b);
        o.flush();
    }

    private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("output stream ended inside a frame");
            }
            done += n;
        }
    }
}
