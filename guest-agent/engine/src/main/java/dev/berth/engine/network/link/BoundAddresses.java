package dev.berth.engine.network.link;

import dev.berth.engine.network.Subnet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * IPv4 addresses that sockets on this host are bound to, from {@code /proc/net/udp} and {@code udp6}. A
 * subnet whose addresses are still held (say by an engine whose bridge was deleted behind its back, its DNS
 * server still bound) would give a new network a gateway its own DNS server cannot bind, so new networks
 * avoid them as they avoid routed prefixes.
 */
public final class BoundAddresses {
    private static final String V4_MAPPED = "0000000000000000FFFF0000";

    private BoundAddresses() {}

    /** Each specific bound address as a /32; wildcard and loopback binds are left out. */
    public static List<Subnet> udp() throws IOException {
        List<Subnet> out = new ArrayList<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path p = Path.of(table);
            if (Files.isReadable(p)) {
                out.addAll(parse(Files.readString(p)));
            }
        }
        return out;
    }

    /** Parses the kernel's table: {@code sl local_address:port ...}, addresses in host (little-endian) order. */
    static List<Subnet> parse(String table) {
        List<Subnet> out = new ArrayList<>();
        for (String line : table.lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || f[1].indexOf(':') < 0) {
                continue;
            }
            String hex = f[1].substring(0, f[1].indexOf(':'));
            if (hex.length() == 32 && hex.startsWith(V4_MAPPED)) {
                hex = hex.substring(24);
            }
            if (hex.length() != 8) {
                continue; // a real IPv6 address: Berth's networks are IPv4
            }
            int le = (int) Long.parseLong(hex, 16);
            int addr = Integer.reverseBytes(le);
            int first = addr >>> 24;
            if (addr != 0 && first != 127) {
                out.add(Subnet.parse(Subnet.fromInt(addr).getHostAddress() + "/32"));
            }
        }
        return out;
    }
}
