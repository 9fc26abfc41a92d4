package dev.berth.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IPv4 prefixes, and how new networks pick theirs around what is taken. */
class SubnetTest {
    @Test
    void parsesNormalisesAndCompares() {
        Subnet s = Subnet.parse("10.209.3.4/16");
        assertEquals("10.209.0.0/16", s.toString(), "host bits are cleared");
        assertTrue(s.contains(Subnet.parseAddress("10.209.255.254")));
        assertFalse(s.contains(Subnet.parseAddress("10.210.0.1")));
        assertEquals("10.209.0.1", s.address(1).getHostAddress());
        assertEquals(65536, s.size());
        assertTrue(Subnet.parse("10.0.0.0/8").overlaps(s));
        assertFalse(Subnet.parse("172.17.0.0/16").overlaps(s));
    }

    @Test
    void refusesWhatIsNotAPrefixWithoutLookingUpNames() {
        for (String bad : List.of("10.0.0.0", "10.0.0.0/33", "10.0.0/8", "example.com/8", "10.0.0.256/24", "")) {
            assertThrows(InvalidArgumentException.class, () -> Subnet.parse(bad), bad);
        }
    }

    @Test
    void picksTheFirstFreeSubnetOfThePools() {
        NetworkSettings s = NetworkSettings.defaults();
        assertEquals("10.209.0.0/16", s.pick(List.of()).toString());
        assertEquals("10.210.0.0/16", s.pick(List.of(Subnet.parse("10.209.0.0/16"))).toString());
        assertEquals("172.24.0.0/16", s.pick(List.of(Subnet.parse("10.0.0.0/8"))).toString(),
                "a VPN routing all of 10/8 pushes networks to the next pool");
    }

    @Test
    void namesFitInFifteenCharacters() {
        NetworkSettings s = NetworkSettings.defaults();
        assertEquals("berth0", s.defaultBridge());
        assertEquals(15, s.userBridge("0123456789abcdef0123").length());
        assertEquals("berth-0123456789ab", s.netns("0123456789abcdef"));
        assertThrows(IllegalArgumentException.class, () -> s.withPrefix("toolong"));
    }
}
