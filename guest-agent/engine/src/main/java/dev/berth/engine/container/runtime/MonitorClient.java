package dev.berth.engine.container.runtime;

import dev.berth.engine.errors.SystemException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Talks to a container's monitor over its control socket (guest-agent/monitor/README.md): one command line
 * per connection, one reply line; {@code ATTACH} turns the connection into the container's stream.
 */
public final class MonitorClient {
    private MonitorClient() {}

    /** Sends {@code command} and returns the reply line; {@code ERR ...} replies become exceptions. */
    public static String call(Path socket, String command) throws IOException {
        try (SocketChannel ch = connect(socket)) {
            String reply = send(ch, command);
            if (reply.startsWith("ERR")) {
                throw new SystemException(reply.substring(3).trim());
            }
            return reply;
        }
    }

    /** Blocks until the process exits; returns its exit code ({@code EXITED <code>}). */
    public static int waitExit(Path socket) throws IOException {
        try (SocketChannel ch = connect(socket)) {
            String reply = send(ch, "WAIT");
            if (!reply.startsWith("EXITED ")) {
                throw new IOException("unexpected reply from monitor at " + socket + ": " + reply);
            }
            return Integer.parseInt(reply.substring(7).trim());
        }
    }

    /**
     * Attaches to the process's streams. The returned channel carries stdcopy frames from the monitor and
     * raw stdin to it; the caller owns it.
     */
    public static SocketChannel attach(Path socket, boolean stdin, boolean stdout, boolean stderr) throws IOException {
        StringBuilder streams = new StringBuilder();
        if (stdin) {
            streams.append("stdin,");
        }
        if (stdout) {
            streams.append("stdout,");
        }
        if (stderr) {
            streams.append("stderr,");
        }
        String list = streams.isEmpty() ? "stdout" : streams.substring(0, streams.length() - 1);
        SocketChannel ch = connect(socket);
        try {
            String reply = send(ch, "ATTACH " + list);
            if (!reply.equals("OK")) {
                throw new IOException("monitor refused attach: " + reply);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public static SocketChannel connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes a command line and reads the reply line byte by byte (nothing after it is consumed). */
    private static String send(SocketChannel ch, String command) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            ch.write(out);
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("monitor closed the connection before answering " + command);
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() > 4096) {
                throw new IOException("monitor reply too long");
            }
            line.write(b);
        }
    }

    /** Fills {@code b} from {@code ch} and flips it; false at end of stream. */
    public static boolean readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return false;
            }
        }
        b.flip();
        return true;
    }
}
