package dev.berth.engine.network.firewall;

import java.util.List;

/**
 * Renders an engine's whole nftables ruleset, table {@code inet <prefix>}, from its bridge networks. The table is
 * Berth's alone and is replaced in one transaction (delete + add in one {@code nft -f}), so no packet ever
 * sees half of an update, and rules that are not Berth's are never touched.
 */
final class NftRules {
    private NftRules() {}

    /** Removes the table (creating it first makes the delete valid when it does not exist). */
    static String delete(String table) {
        return "table inet " + table + " {}\ndelete table inet " + table + "\n";
    }

    static String render(String table, String bridgePrefix, List<Firewall.Bridge> bridges) {
        StringBuilder s = new StringBuilder(delete(table));
        s.append("table inet ").append(table).append(" {\n");
        s.append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
        for (Firewall.Bridge b : bridges) {
            String name = quote(b.name());
            if (b.internal()) {
                // an internal network has no way out and nothing comes in from elsewhere
                s.append("    iifname ").append(name).append(" oifname != ").append(name).append(" drop\n");
                s.append("    oifname ").append(name).append(" iifname != ").append(name).append(" drop\n");
            }
            // isolation: nothing crosses from this bridge to another of Berth's (Docker's isolation chains)
            s.append("    iifname ").append(name).append(" oifname \"").append(bridgePrefix).append("*\" oifname != ")
                    .append(name).append(" drop\n");
        }
        s.append("  }\n");
        s.append("  chain input {\n    type filter hook input priority filter; policy accept;\n");
        for (Firewall.Bridge b : bridges) {
            // a network's embedded DNS answers its own containers only: the names of one network are not
            // to be read from another (the host would otherwise route the query between its addresses)
            s.append("    ip daddr ").append(b.gateway()).append(" meta l4proto { tcp, udp } th dport 53 iifname != ")
                    .append(quote(b.name())).append(" drop\n");
        }
        s.append("  }\n");
        s.append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        for (Firewall.Bridge b : bridges) {
            if (!b.internal()) {
                s.append("    ip saddr ").append(b.subnet()).append(" oifname != ").append(quote(b.name()))
                        .append(" masquerade\n");
            }
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    private static String quote(String ifname) {
        if (!ifname.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("invalid interface name " + ifname);
        }
        return "\"" + ifname + "\"";
    }
}
