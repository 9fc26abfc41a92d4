package dev.berth.engine.network.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's allocation rules (moby portallocator) on a small, fake ephemeral range. */
class HostPortAllocatorTest {
    static final InetAddress ANY4 = Families.ANY4;
    static final InetAddress ANY6 = Families.ANY6;

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void readsTheKernelsRangeAndReservedPortsAndSkipsThemWhenChoosing(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("ip_local_port_range"), "40000\t40007\n");
        Files.writeString(proc.resolve("ip_local_reserved_ports"), "8080,40001,40003-40004\n");
        HostPortAllocator a = HostPortAllocator.fromSystem(proc);
        assertEquals(40000, a.rangeBegin());
        assertEquals(40007, a.rangeEnd());
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(a.reserve(Protocol.TCP, List.of(ANY4), 0, 0));
        }
        assertEquals(List.of(40000, 40002, 40005, 40006, 40007), got);
        PortInUseException e = assertThrows(PortInUseException.class,
                () -> a.reserve(Protocol.TCP, List.of(ANY4), 0, 0));
        assertEquals("all ports are allocated", e.getMessage());
        assertEquals(40003, a.reserve(Protocol.TCP, List.of(ANY4), 40003, 40003), "asked for: honoured");
    }

    @Test
    void theSharedAllocatorUsesThisKernelsEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.exists(range), "no procfs");
        String[] f = Files.readAllLines(range).getFirst().trim().split("\\s+"); // one 8 KiB read: whole value
        assertEquals(Integer.parseInt(f[0]), HostPortAllocator.shared().rangeBegin());
        assertEquals(Integer.parseInt(f[1]), HostPortAllocator.shared().rangeEnd());
    }

    @Test
    void withoutProcItFallsBackToDockersRange(@TempDir Path empty) {
        HostPortAllocator a = HostPortAllocator.fromSystem(empty);
        assertEquals(49153, a.rangeBegin());
        assertEquals(65535, a.rangeEnd());
    }

    @Test
    void aReleasedPortIsNotHandedOutAgainAtOnce() throws Exception {
        HostPortAllocator a = new HostPortAllocator(50000, 50003, Set.of());
        int p1 = a.reserve(Protocol.UDP, List.of(ANY4), 0, 0);
        a.release(Protocol.UDP, List.of(ANY4), p1);
        int p2 = a.reserve(Protocol.UDP, List.of(ANY4), 0, 0);
        assertEquals(p1 + 1, p2, "handed out in turn after the last one");
    }

    @Test
    void unspecifiedAndSpecificAddressesConflictAsInDocker() throws Exception {
        HostPortAllocator a = new HostPortAllocator(50000, 50010, Set.of());
        a.reserve(Protocol.TCP, List.of(ip("127.0.0.1")), 8080, 8080);
        assertEquals("Bind for 127.0.0.1:8080 failed: port is already allocated", assertThrows(
                PortInUseException.class, () -> a.reserve(Protocol.TCP, List.of(ANY4), 8080, 8080)).getMessage());
        assertEquals(8080, a.reserve(Protocol.TCP, List.of(ip("192.0.2.2")), 8080, 8080), "another address");
        assertEquals(8080, a.reserve(Protocol.UDP, List.of(ANY4), 8080, 8080), "another protocol");
        assertEquals(8080, a.reserve(Protocol.TCP, List.of(ANY6), 8080, 8080), "another family");

        a.reserve(Protocol.TCP, List.of(ANY4, ANY6), 9090, 9090);
        assertEquals("Bind for 0.0.0.0:9090 failed: port is already allocated", assertThrows(
                PortInUseException.class, () -> a.reserve(Protocol.TCP, List.of(ip("10.0.0.1")), 9090, 9090))
                .getMessage());
        assertEquals("Bind for :::9090 failed: port is already allocated", assertThrows(
                PortInUseException.class, () -> a.reserve(Protocol.TCP, List.of(ip("::1")), 9090, 9090))
                .getMessage());
    }

    @Test
    void aRangeGivesItsFirstFreePortOnEveryAddressAsked() throws Exception {
        HostPortAllocator a = new HostPortAllocator(50000, 50010, Set.of());
        a.reserve(Protocol.TCP, List.of(ANY6), 8000, 8000);
        assertEquals(8001, a.reserve(Protocol.TCP, List.of(ANY4, ANY6), 8000, 8002));
        assertEquals(8002, a.reserve(Protocol.TCP, List.of(ANY4, ANY6), 8000, 8002));
        assertEquals(8000, a.reserve(Protocol.TCP, List.of(ANY4), 8000, 8002), ":: held it, 0.0.0.0 did not");
        assertEquals("all ports are allocated", assertThrows(PortInUseException.class,
                () -> a.reserve(Protocol.TCP, List.of(ANY4), 8000, 8002)).getMessage());
        a.release(Protocol.TCP, List.of(ANY4, ANY6), 8001);
        assertEquals(8001, a.reserve(Protocol.TCP, List.of(ANY4), 8000, 8002));
        assertThrows(IllegalArgumentException.class, () -> a.reserve(Protocol.TCP, List.of(ANY4), 9, 8));
    }

    @Test
    void parsesTheKernelsReservedList() {
        assertEquals(Set.of(5, 7, 8, 9), HostPortAllocator.parseReserved("1,5,7-9,30000-32767\n", 5, 10));
        assertEquals(Set.of(), HostPortAllocator.parseReserved("\n", 5, 10));
    }

    @Test
    void protocolsParseAsDockerWritesThem() {
        assertEquals(Protocol.TCP, Protocol.parse("tcp"));
        assertEquals(Protocol.UDP, Protocol.parse("UDP"));
        assertEquals(Protocol.TCP, Protocol.parse(""));
        assertEquals("publishing sctp ports is not supported by berth",
                assertThrows(IllegalArgumentException.class, () -> Protocol.parse("sctp")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Protocol.parse("icmp"));
    }

    @Test
    void ipv6AddressesAreWrittenAsGoWritesThem() throws Exception {
        assertEquals("::", PortInUseException.goText(ANY6));
        assertEquals("::1", PortInUseException.goText(ip("::1")));
        assertEquals("fd00::2", PortInUseException.goText(ip("fd00::2")));
        assertEquals("1:0:2::3", PortInUseException.goText(ip("1:0:2:0:0:0:0:3")));
        assertEquals("[::]:8080", PortInUseException.hostPort(ANY6, 8080));
        assertEquals("0.0.0.0:8080", PortInUseException.hostPort(ANY4, 8080));
    }
}
