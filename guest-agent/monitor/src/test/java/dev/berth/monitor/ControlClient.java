package dev.berth.monitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A blocking client of the monitor's control socket, as the engine would use it. */
final class ControlClient implements AutoCloseable {
    /** One stdcopy frame: stream 1 stdout, 2 stderr. */
    record Frame(int stream, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).flip();

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
    }

    static ControlClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new ControlClient(ch);
    }

    /** One command on a fresh connection; returns the reply line. */
    static String command(Path socket, String line) throws IOException {
        try (ControlClient c = connect(socket)) {
            return c.request(line);
        }
    }

    String request(String line) throws IOException {
        send(line);
        return readLine();
    }

    void send(String line) throws IOException {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The next reply line without its newline, or null at EOF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (;;) {
            int b = readByte();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    /** The next stdcopy frame, or null at EOF. */
    Frame readFrame() throws IOException {
        byte[] header = readExactly(8);
        if (header == null) {
            return null;
        }
        int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        if (header[1] != 0 || header[2] != 0 || header[3] != 0) {
            throw new IOException("bad stdcopy header");
        }
        byte[] data = readExactly(length);
        if (data == null) {
            throw new IOException("EOF inside a frame");
        }
        return new Frame(header[0], data);
    }

    List<Frame> readFramesToEof() throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (Frame f; (f = readFrame()) != null;) {
            frames.add(f);
        }
        return frames;
    }

    /** Reads until the monitor closes the connection; returns the number of bytes skipped. */
    long drainToEof() throws IOException {
        long n = buffer.remaining();
        buffer.position(buffer.limit());
        for (;;) {
            buffer.clear();
            int r = channel.read(buffer);
            buffer.flip();
            if (r < 0) {
                return n;
            }
            n += r;
            buffer.position(buffer.limit());
        }
    }

    static String text(List<Frame> frames, int stream) {
        StringBuilder sb = new StringBuilder();
        for (Frame f : frames) {
            if (f.stream() == stream) {
                sb.append(f.text());
            }
        }
        return sb.toString();
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int b = readByte();
            if (b < 0) {
                if (i == 0) {
                    return null;
                }
                throw new IOException("EOF after " + i + " of " + n + " bytes");
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private int readByte() throws IOException {
        if (!buffer.hasRemaining()) {
            buffer.clear();
            int r = channel.read(buffer);
            buffer.flip();
            if (r < 0) {
                return -1;
            }
        }
        return buffer.get() & 0xff;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
