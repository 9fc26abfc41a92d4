package dev.berth.engine.network.ports;

import static dev.berth.engine.network.ports.Fixtures.ANY;
import static dev.berth.engine.network.ports.Fixtures.LOOPBACK;
import static dev.berth.engine.network.ports.Fixtures.at;
import static dev.berth.engine.network.ports.Fixtures.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP relay end to end on loopback: bytes, half-close, resets, failures and clean-up. */
@Timeout(60)
class TcpProxyTest {

    static Socket connect(PortProxy proxy) throws IOException {
        Socket s = new Socket(LOOPBACK, proxy.boundAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void echoesAndPassesTheClientsHalfCloseOnAndTheServersBack() throws Exception {
        try (var echo = new Fixtures.TcpEcho(); var proxy = PortProxy.start(Protocol.TCP, ANY, echo.address())) {
            try (Socket s = connect(proxy)) {
                s.getOutputStream().write("hello through the proxy".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                byte[] reply = s.getInputStream().readAllBytes(); // ends only when the server's FIN passes back
                assertEquals("hello through the proxy", new String(reply, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aServerThatAnswersOnlyAfterTheClientsEndOfStreamStillReachesTheClient() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
                var proxy = PortProxy.start(Protocol.TCP, ANY, at(LOOPBACK, server.getLocalPort()));
                Socket s = connect(proxy)) {
            CompletableFuture<Void> inside = CompletableFuture.runAsync(() -> countThenAnswer(server));
            s.getOutputStream().write(new byte[100_000]);
            s.shutdownOutput(); // half-close: the client still listens
            assertEquals("got 100000 bytes", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            inside.get();
        }
    }

    /** Reads to end of stream (the client's half-close, passed on), then answers and closes. */
    private static void countThenAnswer(ServerSocket server) {
        try (Socket c = server.accept()) {
            long n = c.getInputStream().readAllBytes().length;
            c.getOutputStream().write(("got " + n + " bytes").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoHundredMegabytesArriveIntactInBothDirections() throws Exception {
        long total = 200L << 20;
        try (var echo = new Fixtures.TcpEcho(); var proxy = PortProxy.start(Protocol.TCP, ANY, echo.address());
                Socket s = connect(proxy)) {
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> send(s, total, 42));
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long n = 0;
            InputStream in = s.getInputStream();
            for (int r; (r = in.read(buf)) >= 0; n += r) {
                got.update(buf, 0, r);
            }
            assertEquals(total, n);
            assertArrayEquals(sent.get(), got.digest(), "the echoed stream hashes like the sent one");
        }
    }

    /** Writes {@code total} pseudo-random bytes, half-closes, returns their SHA-256. */
    private static byte[] send(Socket s, long total, long seed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            SplittableRandom rnd = new SplittableRandom(seed);
            byte[] buf = new byte[1 << 16];
            OutputStream out = s.getOutputStream();
            for (long left = total; left > 0; left -= buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = rnd.nextLong();
                    for (int k = 0; k < 8; k++) {
                        buf[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                int len = (int) Math.min(buf.length, left);
                md.update(buf, 0, len);
                out.write(buf, 0, len);
            }
            s.shutdownOutput();
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fiveHundredShortConnectionsLeaveNoDescriptorsOrRelaysBehind() throws Exception {
        try (var echo = new Fixtures.TcpEcho(); var proxy = PortProxy.start(Protocol.TCP, ANY, echo.address())) {
            TcpProxy tcp = (TcpProxy) proxy.relay();
            roundTrips(proxy, 20); // warm-up: the JDK's pollers and the relay pool open what they keep
            assertTrue(eventually(Duration.ofSeconds(5), () -> tcp.liveConnections() == 0));
            long before = Fixtures.openFds();
            roundTrips(proxy, 500);
            assertTrue(eventually(Duration.ofSeconds(5), () -> tcp.liveConnections() == 0), "relays ended");
            assertTrue(eventually(Duration.ofSeconds(5), () -> Fixtures.openFds() <= before),
                    "descriptors before " + before + ", after " + Fixtures.openFds());
            assertTrue(eventually(Duration.ofSeconds(5), () -> busyRelayThreads() == 0), "no relay thread busy");
        }
    }

    private static void roundTrips(PortProxy proxy, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket s = connect(proxy)) {
                s.getOutputStream().write(("ping " + i).getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                assertEquals("ping " + i, new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Relay threads not parked in the pool, i.e. still inside a splice, accept or poll. */
    static long busyRelayThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("port-relay-") && t.getState() == Thread.State.RUNNABLE)
                .count();
    }
}
