package dev.berth.engine.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a plain-HTTP test server: a connection whose first byte opens a TLS handshake
 * record (0x16) is closed at once, anything else is piped to the server. Real registries (Go) refuse a TLS
 * handshake on a plain port immediately; this gives the JDK's HttpServer the same manners.
 */
final class TlsRefusingFront implements AutoCloseable {
    private static final int TLS_HANDSHAKE = 0x16;
    final AtomicInteger tlsAttempts = new AtomicInteger();
    private final ServerSocket socket;
    private final int backendPort;

    TlsRefusingFront(InetAddress address, int backendPort) throws IOException {
        this.socket = new ServerSocket(0, 50, address);
        this.backendPort = backendPort;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            int first = in.read();
            if (first == TLS_HANDSHAKE) {
                tlsAttempts.incrementAndGet();
                return;
            }
            if (first < 0) {
                return;
            }
            try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
                backend.getOutputStream().write(first);
                Thread up = Thread.ofVirtual().start(() -> pump(in, backend));
                pump(backend.getInputStream(), client);
                up.join();
            }
        } catch (IOException | InterruptedException ignored) {
            // a test connection went away
        }
    }

    private static void pump(InputStream from, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = from.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            try {
                to.close();
            } catch (IOException alsoIgnored) {
                // nothing left to do
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
