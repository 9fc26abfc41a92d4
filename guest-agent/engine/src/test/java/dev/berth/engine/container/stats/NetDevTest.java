package dev.berth.engine.container.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container's /proc/<pid>/net/dev, copied from a Berth container on a bridge network. */
class NetDevTest {

    @Test
    void interfacesOtherThanLoopbackWithDockersCounters() throws IOException {
        Map<String, NetDev.Counters> nets = NetDev.read(Samples.dir("proc"), 4242);
        assertEquals(Map.of("eth0", new NetDev.Counters(2195, 27, 0, 0, 1645, 20, 0, 0)), nets);
    }

    @Test
    void aProcessThatIsGoneHasNoInterfaces() throws IOException {
        assertEquals(Map.of(), NetDev.read(Samples.dir("proc"), 999999));
    }

    @Test
    void countersTakeTheirColumnsNotTheirPosition() {
        String text = "Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n"
                + "  eth1: 10 2 3 4 0 0 0 0 20 5 6 7 0 0 0 0\n    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n";
        assertEquals(Map.of("eth1", new NetDev.Counters(10, 2, 3, 4, 20, 5, 6, 7)), NetDev.parse(text));
    }
}
