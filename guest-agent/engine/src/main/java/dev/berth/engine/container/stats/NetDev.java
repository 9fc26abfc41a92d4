package dev.berth.engine.container.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network namespace's interface counters from {@code /proc/<pid>/net/dev}: the file shows the namespace of
 * the process it belongs to, so the container's main pid gives the container's interfaces without entering
 * its namespace. Loopback is left out, as dockerd reports only the endpoints' interfaces.
 */
public final class NetDev {
    private NetDev() {}

    /** dockerd's per-interface counters, in its JSON order. */
    public record Counters(long rxBytes, long rxPackets, long rxErrors, long rxDropped, long txBytes, long txPackets,
            long txErrors, long txDropped) {}

    /** The interfaces of {@code pid}'s namespace, in file order; empty if the process is gone. */
    public static Map<String, Counters> read(Path proc, long pid) throws IOException {
        String text;
        try {
            text = Files.readString(proc.resolve(Long.toString(pid)).resolve("net").resolve("dev"));
        } catch (NoSuchFileException gone) {
            return Map.of();
        }
        return parse(text);
    }

    /**
     * Two header lines, then {@code name: rx_bytes rx_packets rx_errs rx_drop fifo frame compressed multicast
     * tx_bytes tx_packets tx_errs tx_drop …}.
     */
    static Map<String, Counters> parse(String text) {
        Map<String, Counters> out = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 12) {
                continue;
            }
            out.put(name, new Counters(n(f[0]), n(f[1]), n(f[2]), n(f[3]), n(f[8]), n(f[9]), n(f[10]), n(f[11])));
        }
        return out;
    }

    private static long n(String s) {
        return Long.parseLong(s);
    }
}
