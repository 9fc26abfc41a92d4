package dev.berth.engine.network.ports;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** The "containers" the proxy tests relay to (echo servers on loopback) and what the tests measure with. */
final class Fixtures {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final InetSocketAddress ANY = new InetSocketAddress(Families.ANY4, 0);

    private Fixtures() {}

    /**
     * A TCP server that echoes every byte back and half-closes after the client's half-close, so a test
     * sees the half-close pass through the proxy both ways.
     */
    static final class TcpEcho implements AutoCloseable {
        final ServerSocket server;

        TcpEcho() throws IOException {
            server = new ServerSocket(0, 512, LOOPBACK);
            Thread.ofVirtual().start(this::acceptLoop);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, server.getLocalPort());
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> echo(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void echo(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
                s.shutdownOutput();
            } catch (IOException e) {
                // the client reset or the proxy closed: nothing to echo to
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * A local address whose SYNs go unanswered: a listener that never accepts, its accept queue filled,
     * so the kernel drops further SYNs. (Remote test addresses are no use: sandboxes answer for them.)
     */
    static final class BlackHole implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
        private final List<Socket> fillers = new ArrayList<>();

        BlackHole() throws IOException {
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(address(), 200);
                } catch (java.net.SocketTimeoutException full) {
                    return;
                }
            }
            throw new IllegalStateException("the accept queue never filled");
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }

    /** A UDP server replying "reply:" + the datagram, remembering the source addresses it saw. */
    static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket;
        final Set<InetSocketAddress> sources = ConcurrentHashMap.newKeySet();

        UdpEcho() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            Thread.ofVirtual().start(this::loop);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        private void loop() {
            byte[] buf = new byte[65535];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    sources.add((InetSocketAddress) p.getSocketAddress());
                    byte[] reply = ("reply:" + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Sends one datagram from {@code client} to {@code to} and returns the reply's text. */
    static String udpAsk(DatagramSocket client, InetSocketAddress to, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(b, b.length, to));
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        client.receive(p);
        return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** Open descriptors of this JVM. */
    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to {@code limit} for {@code condition}; returns whether it came true. */
    static boolean eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** A port nothing listens on right now (bound and released by the kernel's choice). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    static InetSocketAddress at(InetAddress a, int port) {
        return new InetSocketAddress(a, port);
    }
}
