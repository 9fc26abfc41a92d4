package dev.berth.engine.network;

import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.network.model.NetworkRecord;
import java.net.Inet4Address;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Addresses in use per network. It holds no files of its own: the engine rebuilds it at start from the
 * stored endpoints of running containers ({@link #reserve}), and every allocation is written to the
 * container's endpoint file before the address is used, so no address is ever given out twice.
 */
public final class Ipam {
    private final Map<String, Set<Long>> used = new HashMap<>();
    private final Map<String, Long> next = new HashMap<>();

    /**
     * An address for a container: the requested one (checked), or the next free one after the last given
     * out, so a just-freed address is not reused at once (a stale ARP entry or DNS answer would reach the
     * wrong container).
     */
    public synchronized Inet4Address allocate(NetworkRecord n, String requested) {
        Subnet s = Subnet.parse(n.subnet());
        Set<Long> taken = used.computeIfAbsent(n.id(), k -> new HashSet<>());
        long gateway = s.offset(Subnet.parseAddress(n.gateway()));
        if (requested != null && !requested.isEmpty()) {
            Inet4Address a = Subnet.parseAddress(requested);
            long off = s.offset(a);
            if (!s.contains(a) || off == 0 || off == s.size() - 1 || off == gateway) {
                throw new InvalidArgumentException("invalid address " + requested + ": it is not usable in subnet "
                        + s + " of network " + n.name());
            }
            if (!taken.add(off)) {
                throw new ConflictException("Address already in use: " + requested + " on network " + n.name());
            }
            return a;
        }
        long start = next.getOrDefault(n.id(), 1L);
        for (long i = 0; i < s.size() - 2; i++) {
            long off = 1 + Math.floorMod(start - 1 + i, s.size() - 2);
            if (off != gateway && taken.add(off)) {
                next.put(n.id(), off + 1);
                return s.address(off);
            }
        }
        throw new UnavailableException("no available IPv4 addresses on network " + n.name() + " (" + s + ")");
    }

    /** Marks an address as used (rebuilding from stored endpoints). */
    public synchronized void reserve(NetworkRecord n, String ip) {
        used.computeIfAbsent(n.id(), k -> new HashSet<>()).add(Subnet.parse(n.subnet()).offset(Subnet.parseAddress(ip)));
    }

    public synchronized void release(NetworkRecord n, String ip) {
        Set<Long> taken = used.get(n.id());
        if (taken != null) {
            taken.remove(Subnet.parse(n.subnet()).offset(Subnet.parseAddress(ip)));
        }
    }

    public synchronized int inUse(String networkId) {
        return used.getOrDefault(networkId, Set.of()).size();
    }

    public synchronized void forget(String networkId) {
        used.remove(networkId);
        next.remove(networkId);
    }
}
