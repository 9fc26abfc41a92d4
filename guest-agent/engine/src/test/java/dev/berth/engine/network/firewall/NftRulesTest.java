package dev.berth.engine.network.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ruleset text: one atomic replacement of the engine's own table, NAT only for networks with a way out. */
class NftRulesTest {
    @Test
    void rendersIsolationNatAndInternalNetworks() {
        String rules = NftRules.render("berth", "berth", List.of(new Firewall.Bridge("berth0", "10.209.0.0/16", "10.209.0.1", false),
                new Firewall.Bridge("berthabc", "10.210.0.0/16", "10.210.0.1", true)));
        assertTrue(rules.startsWith("table inet berth {}\ndelete table inet berth\ntable inet berth {\n"),
                "the old table goes in the same transaction");
        assertTrue(rules.contains("iifname \"berth0\" oifname \"berth*\" oifname != \"berth0\" drop"));
        assertTrue(rules.contains("ip saddr 10.209.0.0/16 oifname != \"berth0\" masquerade"));
        assertTrue(!rules.contains("10.210.0.0/16 oifname"), "no NAT for the internal network");
        assertTrue(rules.contains("iifname \"berthabc\" oifname != \"berthabc\" drop"));
        assertTrue(rules.contains("oifname \"berthabc\" iifname != \"berthabc\" drop"));
        assertTrue(rules.contains("ip daddr 10.209.0.1 meta l4proto { tcp, udp } th dport 53 iifname != \"berth0\" drop"),
                "a network's DNS answers that network only");
    }

    @Test
    void interfaceNamesCannotInjectRules() {
        assertThrows(IllegalArgumentException.class, () -> NftRules.render("berth", "berth",
                List.of(new Firewall.Bridge("x\" accept; #", "10.0.0.0/8", "10.0.0.1", false))));
    }

    @Test
    void detectsADefaultDropForwardPolicy() {
        assertTrue(ForeignPolicy.dropsByDefault("-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n"));
        assertEquals(false, ForeignPolicy.dropsByDefault("-P FORWARD ACCEPT\n"));
    }
}
