package dev.berth.engine.network.link;

import dev.berth.engine.network.Subnet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The prefixes the host already routes (every routing table: VPN clients such as WireGuard use their own),
 * so new networks avoid them. Routes through this engine's own bridges (interfaces named with its prefix)
 * are not counted; another engine's are.
 */
public final class HostRoutes {
    private static final Set<String> TYPES = Set.of("unicast", "local", "broadcast", "multicast", "throw",
            "unreachable", "prohibit", "blackhole", "nat", "anycast");

    private HostRoutes() {}

    public static List<Subnet> routed(String ownPrefix) throws IOException {
        return parse(IpCommand.query("-4", "-o", "route", "show", "table", "all"), ownPrefix);
    }

    /** Parses {@code ip -o route} lines: {@code [type] dest [via ...] dev IF ...}. */
    static List<Subnet> parse(String output, String ownPrefix) {
        List<Subnet> out = new ArrayList<>();
        for (String line : output.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 0 || f[0].isEmpty()) {
                continue;
            }
            int i = TYPES.contains(f[0]) ? 1 : 0;
            if (i >= f.length || f[i].equals("default")) {
                continue;
            }
            String dev = field(f, "dev");
            if (dev != null && dev.startsWith(ownPrefix)) {
                continue;
            }
            try {
                out.add(Subnet.parse(f[i].contains("/") ? f[i] : f[i] + "/32"));
            } catch (RuntimeException notAPrefix) {
                // e.g. a route type we do not know: ignore it rather than fail network creation
            }
        }
        return out;
    }

    private static String field(String[] f, String key) {
        for (int i = 0; i + 1 < f.length; i++) {
            if (f[i].equals(key)) {
                return f[i + 1];
            }
        }
        return null;
    }
}
