package dev.berth.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.network.model.NetworkRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Address allocation: never twice, never the gateway, static addresses checked, freed ones not reused at once. */
class IpamTest {
    static NetworkRecord net(String subnet, String gateway) {
        return new NetworkRecord("n1", "mynet", "bridge", Instant.EPOCH, subnet, gateway, "berth1", false, false,
                true, Map.of(), Map.of());
    }

    @Test
    void givesOutEachAddressOnceAndSkipsTheGateway() {
        Ipam ipam = new Ipam();
        NetworkRecord n = net("10.1.0.0/29", "10.1.0.1"); // 6 usable, one is the gateway
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            seen.add(ipam.allocate(n, null).getHostAddress());
        }
        assertEquals(Set.of("10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6"), seen);
        assertThrows(UnavailableException.class, () -> ipam.allocate(n, null));
    }

    @Test
    void aFreedAddressIsNotTheNextOneGiven() {
        Ipam ipam = new Ipam();
        NetworkRecord n = net("10.1.0.0/24", "10.1.0.1");
        String first = ipam.allocate(n, null).getHostAddress();
        ipam.release(n, first);
        assertEquals("10.1.0.3", ipam.allocate(n, null).getHostAddress());
    }

    @Test
    void staticAddressesAreCheckedAndExclusive() {
        Ipam ipam = new Ipam();
        NetworkRecord n = net("10.1.0.0/24", "10.1.0.1");
        assertEquals("10.1.0.50", ipam.allocate(n, "10.1.0.50").getHostAddress());
        assertThrows(ConflictException.class, () -> ipam.allocate(n, "10.1.0.50"));
        assertThrows(InvalidArgumentException.class, () -> ipam.allocate(n, "10.2.0.5"), "outside the subnet");
        assertThrows(InvalidArgumentException.class, () -> ipam.allocate(n, "10.1.0.1"), "the gateway");
        assertThrows(InvalidArgumentException.class, () -> ipam.allocate(n, "10.1.0.255"), "broadcast");
    }

    @Test
    void reservedAddressesFromBeforeARestartAreNotGivenAgain() {
        Ipam ipam = new Ipam();
        NetworkRecord n = net("10.1.0.0/29", "10.1.0.1");
        ipam.reserve(n, "10.1.0.2");
        assertEquals("10.1.0.3", ipam.allocate(n, null).getHostAddress());
        assertEquals(2, ipam.inUse("n1"));
    }
}
