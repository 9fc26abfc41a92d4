package dev.berth.engine.network;

import dev.berth.engine.network.EndpointStore.Attachment;
import dev.berth.engine.network.dns.NameTable;
import dev.berth.engine.network.model.Endpoint;
import dev.berth.engine.network.model.NetworkRecord;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the embedded DNS answers: on user-defined networks the names and aliases of the containers attached
 * right now; on every network {@code host.docker.internal} (and {@code host.berth.internal}), the host as
 * seen from that network, i.e. its gateway. The default bridge resolves no container names, as Docker's.
 */
public final class DnsNames implements NameTable {
    static final Set<String> HOST_NAMES = Set.of("host.docker.internal", "host.berth.internal",
            "gateway.docker.internal");

    private final Map<String, Attachment> live = new ConcurrentHashMap<>();
    private volatile Function<String, Optional<NetworkRecord>> networks = id -> Optional.empty();

    void setNetworks(Function<String, Optional<NetworkRecord>> lookup) {
        this.networks = lookup;
    }

    void put(Attachment a) {
        live.put(a.containerId(), a);
    }

    void remove(String containerId) {
        live.remove(containerId);
    }

    Optional<Attachment> attachment(String containerId) {
        return Optional.ofNullable(live.get(containerId));
    }

    List<Attachment> all() {
        return List.copyOf(live.values());
    }

    @Override
    public List<Inet4Address> lookup(String networkId, String name) {
        Optional<NetworkRecord> net = networks.apply(networkId);
        if (net.isEmpty()) {
            return List.of();
        }
        String n = withoutNetworkSuffix(name.toLowerCase(Locale.ROOT), net.get());
        if (HOST_NAMES.contains(n)) {
            return List.of(Subnet.parseAddress(net.get().gateway()));
        }
        if (!net.get().userDefined()) {
            return List.of();
        }
        List<Inet4Address> out = new ArrayList<>();
        for (Attachment a : live.values()) {
            for (Endpoint e : a.endpoints()) {
                if (e.networkId().equals(networkId) && e.aliases().stream().anyMatch(x -> x.equalsIgnoreCase(n))) {
                    out.add(Subnet.parseAddress(e.ip()));
                }
            }
        }
        return out;
    }

    /** Docker also answers {@code <name>.<network name>}. */
    private static String withoutNetworkSuffix(String name, NetworkRecord n) {
        String suffix = "." + n.name().toLowerCase(Locale.ROOT);
        return name.endsWith(suffix) && name.length() > suffix.length()
                ? name.substring(0, name.length() - suffix.length()) : name;
    }

    /** As Docker: {@code <container>.<network>} for an address of that network. */
    @Override
    public Optional<String> reverse(String networkId, Inet4Address address) {
        String ip = address.getHostAddress();
        Optional<NetworkRecord> net = networks.apply(networkId);
        for (Attachment a : live.values()) {
            for (Endpoint e : a.endpoints()) {
                if (e.networkId().equals(networkId) && e.ip().equals(ip) && !e.aliases().isEmpty()) {
                    return Optional.of(e.aliases().get(0) + net.map(x -> "." + x.name()).orElse(""));
                }
            }
        }
        return Optional.empty();
    }
}
