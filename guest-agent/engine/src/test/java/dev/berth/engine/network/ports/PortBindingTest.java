package dev.berth.engine.network.ports;

import static dev.berth.engine.network.ports.Fixtures.ANY;
import static dev.berth.engine.network.ports.Fixtures.LOOPBACK;
import static dev.berth.engine.network.ports.Fixtures.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binding host ports: Docker's errors for taken ports, random and range allocation, IPv4 and IPv6. */
@Timeout(30)
class PortBindingTest {

    private static String echoOnce(InetSocketAddress to, String text) throws Exception {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aPortOfOurOwnGivesDockersAlreadyAllocatedErrorForTcpAndUdp() throws Exception {
        try (var echo = new Fixtures.TcpEcho(); var first = PortProxy.start(Protocol.TCP, ANY, echo.address())) {
            int port = first.boundAddress().getPort();
            PortInUseException e = assertThrows(PortInUseException.class,
                    () -> PortProxy.start(Protocol.TCP, at(Families.ANY4, port), echo.address()));
            assertEquals("Bind for 0.0.0.0:" + port + " failed: port is already allocated", e.getMessage());
            e = assertThrows(PortInUseException.class,
                    () -> PortProxy.start(Protocol.TCP, at(LOOPBACK, port), echo.address()));
            assertEquals("Bind for 0.0.0.0:" + port + " failed: port is already allocated", e.getMessage(),
                    "0.0.0.0 holds it for every IPv4 address");
            try (var udp = PortProxy.start(Protocol.UDP, at(Families.ANY4, port), echo.address())) {
                e = assertThrows(PortInUseException.class,
                        () -> PortProxy.start(Protocol.UDP, at(Families.ANY4, port), echo.address()));
                assertEquals("Bind for 0.0.0.0:" + port + " failed: port is already allocated", e.getMessage());
            }
            first.close();
            try (var again = PortProxy.start(Protocol.TCP, at(Families.ANY4, port), echo.address())) {
                assertEquals(port, again.boundAddress().getPort(), "free again once closed");
            }
        }
    }

    @Test
    void aPortAnotherProgramHoldsGivesDockersAddressInUseErrorAndLeavesNothingReserved() throws Exception {
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.INET);
                DatagramChannel otherUdp = DatagramChannel.open(StandardProtocolFamily.INET)) {
            other.bind(at(Families.ANY4, 0));
            int port = ((InetSocketAddress) other.getLocalAddress()).getPort();
            PortInUseException e = assertThrows(PortInUseException.class,
                    () -> PortProxy.start(Protocol.TCP, at(Families.ANY4, port), at(LOOPBACK, 1)));
            assertEquals("failed to bind host port 0.0.0.0:" + port + "/tcp: address already in use", e.getMessage());
            assertTrue(!HostPortAllocator.shared().isReserved(Protocol.TCP, Families.ANY4, port), "not kept");

            otherUdp.bind(at(Families.ANY4, 0));
            int udpPort = ((InetSocketAddress) otherUdp.getLocalAddress()).getPort();
            e = assertThrows(PortInUseException.class,
                    () -> PortProxy.start(Protocol.UDP, at(Families.ANY4, udpPort), at(LOOPBACK, 1)));
            assertEquals("failed to bind host port 0.0.0.0:" + udpPort + "/udp: address already in use",
                    e.getMessage());
        }
    }

    @Test
    void portZeroPicksAFreePortFromTheEphemeralRange() throws Exception {
        HostPortAllocator shared = HostPortAllocator.shared();
        try (var echo = new Fixtures.TcpEcho(); var a = PortProxy.start(Protocol.TCP, ANY, echo.address());
                var b = PortProxy.start(Protocol.TCP, ANY, echo.address())) {
            for (PortProxy p : List.of(a, b)) {
                int port = p.boundAddress().getPort();
                assertTrue(port >= shared.rangeBegin() && port <= shared.rangeEnd(), "in range: " + port);
                assertEquals("hi", echoOnce(at(LOOPBACK, port), "hi"));
            }
            assertNotEquals(a.boundAddress().getPort(), b.boundAddress().getPort());
        }
    }

    @Test
    void aRangeSkipsAPortAnotherProgramHolds() throws Exception {
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.INET);
                var echo = new Fixtures.TcpEcho()) {
            other.bind(at(Families.ANY4, 0));
            int held = ((InetSocketAddress) other.getLocalAddress()).getPort();
            var options = PortProxy.Options.DEFAULTS.withAllocator(new HostPortAllocator(1024, 65535, java.util.Set.of()));
            try (var p = PortProxy.startInRange(Protocol.TCP, Families.ANY4, held, held + 1, echo.address(), options)) {
                assertEquals(held + 1, p.boundAddress().getPort(), "the held port was tried, then skipped");
            } catch (PortInUseException e) {
                assumeTrue(false, "the next port was busy too: " + e.getMessage());
            }
        }
    }

    @Test
    void aLoopbackBindingIsNotReachableThroughOtherAddresses() throws Exception {
        Optional<InetAddress> external = hostAddress();
        assumeTrue(external.isPresent(), "no non-loopback IPv4 address on this host");
        try (var echo = new Fixtures.TcpEcho();
                var local = PortProxy.start(Protocol.TCP, at(LOOPBACK, 0), echo.address());
                var all = PortProxy.start(Protocol.TCP, ANY, echo.address())) {
            int lp = local.boundAddress().getPort();
            assertEquals("a", echoOnce(at(LOOPBACK, lp), "a"));
            assertThrows(ConnectException.class, () -> echoOnce(at(external.get(), lp), "b"));
            assertEquals("c", echoOnce(at(external.get(), all.boundAddress().getPort()), "c"),
                    "0.0.0.0 is reachable through " + external.get());
        }
    }

    private static Optional<InetAddress> hostAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(i -> !isLoopback(i))
                .flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
    }

    private static boolean isLoopback(NetworkInterface i) {
        try {
            return i.isLoopback() || !i.isUp();
        } catch (Exception e) {
            return true;
        }
    }

    @Test
    void zeroAddressAlsoServesIpv6WhenTheHostHasIt() throws Exception {
        assumeTrue(Families.ipv6Available(), "no IPv6 in this kernel");
        InetAddress v6lo = InetAddress.getByName("::1");
        try (var echo = new Fixtures.TcpEcho(); var udpEcho = new Fixtures.UdpEcho();
                var tcp = PortProxy.start(Protocol.TCP, ANY, echo.address());
                var udp = PortProxy.start(Protocol.UDP, ANY, udpEcho.address());
                DatagramSocket client = new DatagramSocket(at(v6lo, 0))) {
            int port = tcp.boundAddress().getPort();
            assertEquals(List.of(at(Families.ANY4, port), at(Families.ANY6, port)), tcp.boundAddresses());
            assertEquals("v4", echoOnce(at(LOOPBACK, port), "v4"));
            assertEquals("v6", echoOnce(at(v6lo, port), "v6"), "IPv6 clients relayed to the IPv4 container");
            client.setSoTimeout(5000);
            assertEquals("reply:v6", Fixtures.udpAsk(client, at(v6lo, udp.boundAddress().getPort()), "v6"));
        }
    }

    @Test
    void anExplicitIpv4OnlyBindingLeavesIpv6Alone() throws Exception {
        assumeTrue(Families.ipv6Available(), "no IPv6 in this kernel");
        var v4only = PortProxy.Options.DEFAULTS.withUnspecifiedIncludesIpv6(false);
        try (var echo = new Fixtures.TcpEcho(); var p = PortProxy.start(Protocol.TCP, ANY, echo.address(), v4only)) {
            int port = p.boundAddress().getPort();
            assertEquals(List.of(at(Families.ANY4, port)), p.boundAddresses());
            assertThrows(ConnectException.class, () -> echoOnce(at(InetAddress.getByName("::1"), port), "x"));
        }
    }
}
