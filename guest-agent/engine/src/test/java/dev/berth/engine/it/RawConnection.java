package dev.berth.engine.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One raw connection to the engine socket, for wire-level tests: write exact request bytes, read the
 * response head and then the stream as it arrives, with deadlines so a test can tell "not yet" from "never".
 */
final class RawConnection implements AutoCloseable {
    private final SocketChannel ch;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int consumed;

    private boolean eof;

    RawConnection(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(this::readLoop);
    }

    /** One reader for the connection's whole life; tests wait on what it collected. */
    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (ch.read(buf.clear()) > 0) {
                synchronized (this) {
                    received.write(buf.array(), 0, buf.position());
                    notifyAll();
                }
            }
        } catch (IOException closed) {
            // reset or closed: the stream is over
        }
        synchronized (this) {
            eof = true;
            notifyAll();
        }
    }

    void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** A POST with a JSON body (or none), with any extra header lines ("Upgrade: tcp\r\n..."). */
    void post(String path, String json, String extraHeaders) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n" + extraHeaders + "\r\n");
        send(body);
    }

    void halfClose() throws IOException {
        ch.shutdownOutput();
    }

    /** Waits until the response head is complete; returns it. */
    synchronized String head(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String all = received.toString(StandardCharsets.ISO_8859_1);
            int end = all.indexOf("\r\n\r\n", consumed);
            if (end >= 0) {
                String head = all.substring(consumed, end + 4);
                consumed = end + 4;
                return head;
            }
            long left = deadline - System.currentTimeMillis();
            if (eof || left <= 0) {
                throw new IOException("no complete response head; got: " + all.substring(consumed));
            }
            wait(left);
        }
    }

    /** Everything after what was consumed, once the server closed or {@code timeoutMs} passed. */
    synchronized byte[] rest(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!eof && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        return take();
    }

    /** What arrived so far and was not consumed yet, without waiting. */
    synchronized byte[] take() {
        byte[] all = received.toByteArray();
        byte[] out = new byte[all.length - consumed];
        System.arraycopy(all, consumed, out, 0, out.length);
        consumed = all.length;
        return out;
    }

    synchronized boolean closedByServer() {
        return eof;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
