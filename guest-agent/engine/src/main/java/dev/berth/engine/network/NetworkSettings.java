package dev.berth.engine.network;

import dev.berth.engine.errors.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine settings for networking.
 *
 * @param bridgeSubnet   the default bridge's subnet, or null to pick one that the host does not route
 * @param addressPools   where user networks take their subnets from, in order
 * @param defaultBindIp  where {@code -p 8080:80} listens when no address is given ({@code 0.0.0.0} as
 *                       Docker; {@code 127.0.0.1} keeps published ports private to the machine)
 * @param prefix         names this engine gives host objects: bridges ({@code berth0}, {@code berth<hex>}),
 *                       namespaces, its nftables table. One engine per machine uses the default
 *                       {@code berth}; tests give each engine its own, so engines side by side never share
 *                       a bridge or a rule. At most 5 characters: interface names have 15.
 */
public record NetworkSettings(String bridgeSubnet, List<Pool> addressPools, String defaultBindIp, String prefix) {
    /** A range cut into subnets of {@code size} bits of prefix, like Docker's default-address-pools. */
    public record Pool(Subnet base, int size) {}

    public NetworkSettings {
        addressPools = addressPools == null || addressPools.isEmpty() ? defaultPools() : List.copyOf(addressPools);
        defaultBindIp = defaultBindIp == null || defaultBindIp.isEmpty() ? "0.0.0.0" : defaultBindIp;
        prefix = prefix == null || prefix.isEmpty() ? "berth" : prefix;
        if (!prefix.matches("[a-z][a-z0-9]{0,4}")) {
            throw new IllegalArgumentException("network prefix must be 1-5 lowercase letters or digits: " + prefix);
        }
    }

    public static NetworkSettings defaults() {
        return new NetworkSettings(null, null, null, null);
    }

    public NetworkSettings withBridgeSubnet(String s) {
        return new NetworkSettings(s, addressPools, defaultBindIp, prefix);
    }

    public NetworkSettings withDefaultBindIp(String ip) {
        return new NetworkSettings(bridgeSubnet, addressPools, ip, prefix);
    }

    public NetworkSettings withPrefix(String p) {
        return new NetworkSettings(bridgeSubnet, addressPools, defaultBindIp, p);
    }

    /** The default bridge's interface: {@code berth0}. */
    public String defaultBridge() {
        return prefix + "0";
    }

    /** A user network's bridge: the prefix and as much of the network ID as fits in 15 characters. */
    public String userBridge(String networkId) {
        return prefix + networkId.substring(0, 15 - prefix.length());
    }

    /** A container's network namespace, under /run/netns. */
    public String netns(String containerId) {
        return prefix + "-" + containerId.substring(0, 12);
    }

    /**
     * 10.209–10.254 first: clear of Docker's 172.17+ so both engines can run side by side, and of the
     * 100.64/10 range VPNs such as Tailscale use; then 172.24–31 and 192.168.224/19 for hosts that route
     * all of 10/8 (corporate VPNs). Subnets the host routes are skipped anyway.
     */
    static List<Pool> defaultPools() {
        List<Pool> pools = new ArrayList<>();
        pools.add(new Pool(Subnet.parse("10.209.0.0/16"), 16));
        pools.add(new Pool(Subnet.parse("10.210.0.0/15"), 16));
        pools.add(new Pool(Subnet.parse("10.212.0.0/14"), 16));
        pools.add(new Pool(Subnet.parse("10.216.0.0/13"), 16));
        pools.add(new Pool(Subnet.parse("10.224.0.0/11"), 16));
        pools.add(new Pool(Subnet.parse("172.24.0.0/13"), 16));
        pools.add(new Pool(Subnet.parse("192.168.224.0/19"), 24));
        return pools;
    }

    /** The first subnet of the pools that overlaps nothing in {@code taken}. */
    Subnet pick(List<Subnet> taken) {
        for (Pool p : addressPools) {
            long count = 1L << (p.size() - p.base().prefix());
            long step = 1L << (32 - p.size());
            for (long i = 0; i < count; i++) {
                Subnet candidate = new Subnet((int) (p.base().base() + i * step), p.size());
                if (taken.stream().noneMatch(candidate::overlaps)) {
                    return candidate;
                }
            }
        }
        throw new UnavailableException("could not find an available, non-overlapping IPv4 "
                + "address pool among the defaults to assign to the network");
    }
}
