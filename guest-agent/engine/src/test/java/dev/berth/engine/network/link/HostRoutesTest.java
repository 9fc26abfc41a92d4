package dev.berth.engine.network.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Routes from every table, minus defaults and this engine's own bridges. */
class HostRoutesTest {
    @Test
    void parsesRoutesOfAllTables() {
        String out = """
                default via 192.0.2.1 dev eth0
                172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown
                10.209.0.0/16 dev berth0 proto kernel scope link src 10.209.0.1
                10.0.0.0/8 dev wg0 table 51820 scope link
                local 192.0.2.2 dev eth0 table local proto kernel scope host src 192.0.2.2
                broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2
                """;
        assertEquals(List.of("172.17.0.0/16", "10.0.0.0/8", "192.0.2.2/32", "192.0.2.255/32"),
                HostRoutes.parse(out, "berth").stream().map(Object::toString).toList());
    }
}
