package dev.berth.engine.network.ports;

import static dev.berth.engine.network.ports.Fixtures.ANY;
import static dev.berth.engine.network.ports.Fixtures.LOOPBACK;
import static dev.berth.engine.network.ports.Fixtures.at;
import static dev.berth.engine.network.ports.Fixtures.eventually;
import static dev.berth.engine.network.ports.TcpProxyTest.busyRelayThreads;
import static dev.berth.engine.network.ports.TcpProxyTest.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP relay when things go wrong: a container not listening or not answering, the proxy closed under
 * live connections, resets from either side, and nothing (descriptors, threads) left behind by any of it.
 */
@Timeout(60)
class TcpFailureTest {

    @Test
    void aTargetThatDoesNotListenGetsTheClientClosedAtOnce() throws Exception {
        int nobody = Fixtures.freePort();
        try (var proxy = PortProxy.start(Protocol.TCP, ANY, at(LOOPBACK, nobody)); Socket s = connect(proxy)) {
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "end of stream, as docker-proxy closes the client");
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "closed quickly");
            TcpProxy tcp = (TcpProxy) proxy.relay();
            assertTrue(eventually(Duration.ofSeconds(2), () -> tcp.liveConnections() == 0));
        }
    }

    @Test
    void aTargetThatNeverAnswersIsGivenUpAfterTheConnectTimeout() throws Exception {
        var options = PortProxy.Options.DEFAULTS.withConnectTimeout(Duration.ofMillis(300));
        try (var blackHole = new Fixtures.BlackHole();
                var proxy = PortProxy.start(Protocol.TCP, ANY, blackHole.address(), options);
                Socket s = connect(proxy)) {
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read());
            long took = System.nanoTime() - t0;
            assertTrue(took >= 250_000_000L && took < 3_000_000_000L, "given up after the timeout: " + took);
        }
    }

    @Test
    void closingTheProxyEndsItsConnectionsAndFreesThePort() throws Exception {
        try (var echo = new Fixtures.TcpEcho()) {
            PortProxy proxy = PortProxy.start(Protocol.TCP, ANY, echo.address());
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = connect(proxy);
                s.getOutputStream().write('x');
                assertEquals('x', s.getInputStream().read(), "relaying");
                clients.add(s);
            }
            proxy.close();
            proxy.close(); // idempotent
            for (Socket s : clients) {
                try (s) {
                    assertEquals(-1, readOrReset(s), "the connection ended with the proxy");
                }
            }
            int port = proxy.boundAddress().getPort();
            assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port).close());
            TcpProxy tcp = (TcpProxy) proxy.relay();
            assertTrue(eventually(Duration.ofSeconds(2), () -> tcp.liveConnections() == 0), "relays ended");
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("port-accept " + port)), "the accept thread is gone");
            try (ServerSocket again = new ServerSocket(port, 1, Families.ANY4)) {
                assertEquals(port, again.getLocalPort(), "the port is free again");
            }
        }
    }

    private static int readOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    @Test
    void aClientsResetReachesTheContainerAsAReset() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
                var proxy = PortProxy.start(Protocol.TCP, ANY, at(LOOPBACK, server.getLocalPort()))) {
            Socket client = connect(proxy);
            try (Socket inside = server.accept()) {
                inside.setSoTimeout(5000);
                client.getOutputStream().write('a');
                assertEquals('a', inside.getInputStream().read());
                client.setSoLinger(true, 0);
                client.close(); // RST
                IOException e = assertThrows(IOException.class, () -> inside.getInputStream().read());
                assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
            }
            TcpProxy tcp = (TcpProxy) proxy.relay();
            assertTrue(eventually(Duration.ofSeconds(2), () -> tcp.liveConnections() == 0));
        }
    }

    @Test
    void aContainersResetReachesTheClientAsAReset() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
                var proxy = PortProxy.start(Protocol.TCP, ANY, at(LOOPBACK, server.getLocalPort()));
                Socket client = connect(proxy)) {
            client.getOutputStream().write('a');
            try (Socket inside = server.accept()) {
                assertEquals('a', inside.getInputStream().read());
                inside.setSoLinger(true, 0);
            } // RST
            IOException e = assertThrows(IOException.class, () -> client.getInputStream().read());
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    @Test
    void resetsFromEitherSideLeaveNoDescriptorsOrBusyThreadsBehind() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 64, LOOPBACK);
                var proxy = PortProxy.start(Protocol.TCP, ANY, at(LOOPBACK, server.getLocalPort()))) {
            TcpProxy tcp = (TcpProxy) proxy.relay();
            resetRounds(proxy, server, 4); // warm-up
            assertTrue(eventually(Duration.ofSeconds(5), () -> tcp.liveConnections() == 0));
            long before = Fixtures.openFds();
            resetRounds(proxy, server, 100);
            assertTrue(eventually(Duration.ofSeconds(5), () -> tcp.liveConnections() == 0), "relays ended");
            assertTrue(eventually(Duration.ofSeconds(5), () -> Fixtures.openFds() <= before),
                    "descriptors back to " + before);
            assertTrue(eventually(Duration.ofSeconds(5), () -> busyRelayThreads() == 0), "no relay thread busy");
        }
    }

    /** Connections where the client (even rounds) or the container (odd rounds) resets mid-stream. */
    private static void resetRounds(PortProxy proxy, ServerSocket server, int rounds) throws IOException {
        for (int i = 0; i < rounds; i++) {
            Socket client = connect(proxy);
            client.getOutputStream().write('a');
            try (Socket inside = server.accept()) {
                assertEquals('a', inside.getInputStream().read());
                Socket resetter = i % 2 == 0 ? client : inside;
                resetter.setSoLinger(true, 0);
                resetter.close();
            } finally {
                client.close();
            }
        }
    }

}
