package dev.berth.engine.network.ports;

import static dev.berth.engine.network.ports.Fixtures.ANY;
import static dev.berth.engine.network.ports.Fixtures.LOOPBACK;
import static dev.berth.engine.network.ports.Fixtures.at;
import static dev.berth.engine.network.ports.Fixtures.eventually;
import static dev.berth.engine.network.ports.Fixtures.udpAsk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The UDP relay: per-client flows, replies to the right client, expiry and the flow bound. */
@Timeout(30)
class UdpProxyTest {

    private static DatagramSocket client() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void twoConcurrentClientsEachGetTheirOwnReplies() throws Exception {
        try (var echo = new Fixtures.UdpEcho(); var proxy = PortProxy.start(Protocol.UDP, ANY, echo.address())) {
            InetSocketAddress published = at(LOOPBACK, proxy.boundAddress().getPort());
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> converse(published, "alice"));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> converse(published, "bob"));
            a.get();
            b.get();
            assertEquals(2, echo.sources.size(), "one flow (one source port at the container) per client");
            assertEquals(2, ((UdpProxy) proxy.relay()).flowCount());
        }
    }

    private static void converse(InetSocketAddress to, String who) {
        try (DatagramSocket s = client()) {
            for (int i = 0; i < 50; i++) {
                assertEquals("reply:" + who + " " + i, udpAsk(s, to, who + " " + i));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anIdleFlowExpiresAndTheNextDatagramOpensANewOne() throws Exception {
        var options = PortProxy.Options.DEFAULTS.withUdpIdleTimeout(Duration.ofMillis(400));
        try (var echo = new Fixtures.UdpEcho();
                var proxy = PortProxy.start(Protocol.UDP, ANY, echo.address(), options);
                DatagramSocket s = client()) {
            UdpProxy udp = (UdpProxy) proxy.relay();
            InetSocketAddress published = at(LOOPBACK, proxy.boundAddress().getPort());
            long t0 = System.nanoTime();
            assertEquals("reply:one", udpAsk(s, published, "one"));
            assertEquals(1, udp.flowCount());
            assertTrue(eventually(Duration.ofSeconds(3), () -> udp.flowCount() == 0), "the flow expired");
            assertTrue(System.nanoTime() - t0 >= 350_000_000L, "not before the idle timeout");
            assertEquals("reply:two", udpAsk(s, published, "two"));
            assertEquals(2, echo.sources.size(), "a new flow, so a new source port at the container");
        }
    }

    @Test
    void theNumberOfFlowsIsBoundedAndTheOldestGivesWay() throws Exception {
        var options = PortProxy.Options.DEFAULTS.withMaxUdpFlows(2);
        try (var echo = new Fixtures.UdpEcho(); var proxy = PortProxy.start(Protocol.UDP, ANY, echo.address(), options);
                DatagramSocket c1 = client(); DatagramSocket c2 = client(); DatagramSocket c3 = client()) {
            InetSocketAddress published = at(LOOPBACK, proxy.boundAddress().getPort());
            assertEquals("reply:1", udpAsk(c1, published, "1"));
            assertEquals("reply:2", udpAsk(c2, published, "2"));
            assertEquals("reply:3", udpAsk(c3, published, "3"));
            UdpProxy udp = (UdpProxy) proxy.relay();
            assertEquals(2, udp.flowCount());
            assertEquals("reply:1 again", udpAsk(c1, published, "1 again"), "an evicted client is served anew");
        }
    }

    @Test
    void closingStopsTheListenerAndEveryFlow() throws Exception {
        try (var echo = new Fixtures.UdpEcho(); DatagramSocket s = client()) {
            PortProxy proxy = PortProxy.start(Protocol.UDP, ANY, echo.address());
            int port = proxy.boundAddress().getPort();
            assertEquals("reply:x", udpAsk(s, at(LOOPBACK, port), "x"));
            long fdsOpen = Fixtures.openFds();
            proxy.close();
            proxy.close();
            UdpProxy udp = (UdpProxy) proxy.relay();
            assertEquals(0, udp.flowCount());
            assertTrue(eventually(Duration.ofSeconds(2), () -> Fixtures.openFds() <= fdsOpen - 2),
                    "listener and flow closed");
            try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(Families.ANY4, port))) {
                assertEquals(port, again.getLocalPort(), "the port is free again");
            }
        }
    }

    @Test
    void aTargetThatDoesNotListenYetDoesNotStopTheFlow() throws Exception {
        int port = Fixtures.freePort(); // same number for UDP is very likely free too
        try (var proxy = PortProxy.start(Protocol.UDP, ANY, at(LOOPBACK, port)); DatagramSocket s = client()) {
            InetSocketAddress published = at(LOOPBACK, proxy.boundAddress().getPort());
            byte[] first = "first".getBytes();
            s.send(new java.net.DatagramPacket(first, first.length, published)); // refused: ICMP unreachable
            Thread.sleep(100);
            try (DatagramSocket late = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                late.setSoTimeout(5000);
                byte[] second = "second".getBytes();
                s.send(new java.net.DatagramPacket(second, second.length, published));
                var p = new java.net.DatagramPacket(new byte[16], 16);
                late.receive(p);
                assertEquals("second", new String(p.getData(), 0, p.getLength()),
                        "the container, once listening, gets the next datagram");
            }
        }
    }
}
