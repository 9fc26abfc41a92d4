package dev.berth.engine.network.ports;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host ports Berth's own bindings hold, by address and protocol, with Docker's rules (moby's
 * {@code portallocator}): random ports come from the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}) minus {@code ip_local_reserved_ports}, handed out in
 * turn after the last one given (a port just released is not reused at once); a port on 0.0.0.0 (or ::)
 * conflicts with the same port on every address of that family, and a port on one address with the
 * unspecified one. It knows only our bindings: whether another program holds the port is for the bind to
 * find out. Thread-safe.
 */
public final class HostPortAllocator {
    private static final int FALLBACK_BEGIN = 49153; // Docker's fallback when /proc cannot be read
    private static final int FALLBACK_END = 65535;
    private static final HostPortAllocator SHARED = fromSystem(Path.of("/proc/sys/net/ipv4"));

    private final int begin;
    private final int end;
    private final Set<Integer> reserved;
    private final Map<Key, Set<Integer>> taken = new HashMap<>();
    private final Map<String, Integer> lastGiven = new HashMap<>();

    private record Key(InetAddress ip, Protocol protocol) {}

    /** An allocator over [begin, end] that skips {@code reserved} when choosing a port itself. */
    public HostPortAllocator(int begin, int end, Set<Integer> reserved) {
        if (begin < 1 || end > 65535 || begin > end) {
            throw new IllegalArgumentException("invalid port range: " + begin + "-" + end);
        }
        this.begin = begin;
        this.end = end;
        this.reserved = Set.copyOf(reserved);
    }

    /** The one allocator of this engine process; {@link PortProxy#start} uses it. */
    public static HostPortAllocator shared() {
        return SHARED;
    }

    /** Reads the ranges from a {@code /proc/sys/net/ipv4}-like directory, falling back as Docker does. */
    static HostPortAllocator fromSystem(Path sysctlDir) {
        int b = FALLBACK_BEGIN;
        int e = FALLBACK_END;
        try {
            String[] f = sysctl(sysctlDir.resolve("ip_local_port_range")).split("\\s+");
            b = Integer.parseInt(f[0]);
            e = Integer.parseInt(f[1]);
        } catch (IOException | RuntimeException ignored) {
            // no /proc (or an odd one): Docker's fallback range
        }
        Set<Integer> res = new HashSet<>();
        try {
            res = parseReserved(sysctl(sysctlDir.resolve("ip_local_reserved_ports")), b, e);
        } catch (IOException | RuntimeException ignored) {
            // reserved ports are advice: without them we may pick one and the bind retry moves on
        }
        return new HostPortAllocator(b, e, res);
    }

    /**
     * A sysctl's value. Not Files.readString: procfs reports size 0, the JDK then reads one byte first, and
     * a numeric sysctl answers a read at a non-zero offset with end of file ("3" for "32768\t60999").
     */
    private static String sysctl(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(1 << 16), StandardCharsets.US_ASCII).trim();
        }
    }

    /** The kernel's list format: "8080,9148,30000-32767"; only ports inside [b, e] are kept. */
    static Set<Integer> parseReserved(String list, int b, int e) {
        Set<Integer> out = new HashSet<>();
        for (String entry : list.trim().split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] r = entry.trim().split("-", 2);
            int from = Integer.parseInt(r[0]);
            int to = r.length == 2 ? Integer.parseInt(r[1]) : from;
            for (int p = Math.max(from, b); p <= Math.min(to, e); p++) {
                out.add(p);
            }
        }
        return out;
    }

    public int rangeBegin() {
        return begin;
    }

    public int rangeEnd() {
        return end;
    }

    /**
     * Reserves one port on every address of {@code ips}: {@code first == last == 0} picks one from the
     * ephemeral range, {@code first == last} asks for exactly that port, otherwise any free port of
     * [first, last]. Throws {@link PortInUseException} with Docker's texts when nothing fits.
     */
    public synchronized int reserve(Protocol protocol, List<InetAddress> ips, int first, int last)
            throws PortInUseException {
        boolean automatic = first == 0 && last == 0;
        if (!automatic && (first < 1 || last > 65535 || first > last)) {
            throw new IllegalArgumentException("invalid port range: " + first + "-" + last);
        }
        if (ips.isEmpty()) {
            throw new IllegalArgumentException("no IP addresses specified");
        }
        List<Key> claim = ips.stream().map(ip -> new Key(ip, protocol)).distinct().toList();
        List<Key> check = conflicting(claim);
        if (!automatic && first == last) {
            for (Key k : check) {
                if (isTaken(k, first)) {
                    throw PortInUseException.allocated(k.ip(), first);
                }
            }
            claim.forEach(k -> taken.computeIfAbsent(k, x -> new HashSet<>()).add(first));
            return first;
        }
        return pick(claim, check, automatic ? begin : first, automatic ? end : last, automatic);
    }

    /** Gives back a port reserved by {@link #reserve} with the same protocol and addresses. */
    public synchronized void release(Protocol protocol, List<InetAddress> ips, int port) {
        for (InetAddress ip : ips) {
            Set<Integer> s = taken.get(new Key(ip, protocol));
            if (s != null) {
                s.remove(port);
            }
        }
    }

    /** Whether one of our bindings holds {@code port} on {@code ip} itself (not counting 0.0.0.0/::). */
    public synchronized boolean isReserved(Protocol protocol, InetAddress ip, int port) {
        return isTaken(new Key(ip, protocol), port);
    }

    private int pick(List<Key> claim, List<Key> check, int from, int to, boolean skipReserved)
            throws PortInUseException {
        String rangeKey = claim.getFirst() + " " + from + "-" + to;
        int port = lastGiven.getOrDefault(rangeKey, to);
        for (int i = from; i <= to; i++) {
            port = port >= to ? from : port + 1;
            if (skipReserved && reserved.contains(port)) {
                continue;
            }
            int p = port;
            if (check.stream().noneMatch(k -> isTaken(k, p))) {
                claim.forEach(k -> taken.computeIfAbsent(k, x -> new HashSet<>()).add(p));
                claim.forEach(k -> lastGiven.put(k + " " + from + "-" + to, p));
                return p;
            }
        }
        throw PortInUseException.allAllocated();
    }

    /**
     * The keys a claim must be free in, claimed ones first: an unspecified address conflicts with every
     * address of its family we hold; a specific one with itself and the unspecified one of its family.
     */
    private List<Key> conflicting(List<Key> claim) {
        Set<Key> out = new LinkedHashSet<>(claim);
        List<Key> known = new ArrayList<>(taken.keySet());
        for (Key k : claim) {
            if (k.ip().isAnyLocalAddress()) {
                known.stream().filter(o -> sameFamily(o.ip(), k.ip()) && o.protocol() == k.protocol())
                        .forEach(out::add);
            } else {
                out.add(new Key(anyOf(k.ip()), k.protocol()));
            }
        }
        return List.copyOf(out);
    }

    private boolean isTaken(Key k, int port) {
        Set<Integer> s = taken.get(k);
        return s != null && s.contains(port);
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return (a instanceof Inet4Address) == (b instanceof Inet4Address);
    }

    static InetAddress anyOf(InetAddress ip) {
        try {
            return InetAddress.getByAddress(new byte[ip instanceof Inet4Address ? 4 : 16]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
