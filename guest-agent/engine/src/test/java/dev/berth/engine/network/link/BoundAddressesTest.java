package dev.berth.engine.network.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.engine.network.Subnet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundAddressesTest {
    static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
            + "  timeout inode ref pointer drops\n";

    @Test
    void specificIpv4BindsAreTakenWildcardAndLoopbackAreNot() {
        String udp = HEADER
                + "  1: 0100D20A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0\n"
                + "  2: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0\n"
                + "  3: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0\n";
        assertEquals(List.of(Subnet.parse("10.210.0.1/32")), BoundAddresses.parse(udp));
    }

    @Test
    void ipv4MappedBindsOfJavaSocketsCountRealIpv6DoesNot() {
        // what the engine's own DNS server looks like: Java binds ::ffff:10.213.0.1 on a dual-stack socket
        String udp6 = HEADER
                + "  1: 0000000000000000FFFF00000100D50A:0035 00000000000000000000000000000000:0000 07 "
                + "00000000:00000000 00:00000000 00000000     0        0 1 2 0\n"
                + "  2: 000080FE00000000FF00FC0001000000:0222 00000000000000000000000000000000:0000 07 "
                + "00000000:00000000 00:00000000 00000000     0        0 1 2 0\n";
        assertEquals(List.of(Subnet.parse("10.213.0.1/32")), BoundAddresses.parse(udp6));
    }

    @Test
    void malformedLinesAreSkipped() {
        assertEquals(List.of(), BoundAddresses.parse(HEADER + "garbage\n  7: nocolon x\n"));
    }
}
