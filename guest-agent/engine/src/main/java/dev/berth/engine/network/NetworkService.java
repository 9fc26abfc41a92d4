package dev.berth.engine.network;

import dev.berth.engine.errors.ForbiddenException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.events.Event;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.network.dns.DnsServer;
import dev.berth.engine.network.dns.Upstreams;
import dev.berth.engine.network.firewall.Firewall;
import dev.berth.engine.network.link.BoundAddresses;
import dev.berth.engine.network.link.HostRoutes;
import dev.berth.engine.network.link.Links;
import dev.berth.engine.network.model.CreateNetworkRequest;
import dev.berth.engine.network.model.NetworkRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Networks: the predefined {@code bridge}, {@code host} and {@code none}, and user-defined bridges. Each
 * bridge network has its Linux bridge, its embedded DNS server on the gateway address, and its part of the
 * firewall; all three are brought back at engine start.
 */
public final class NetworkService {
    private static final Logger log = LoggerFactory.getLogger(NetworkService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetworkSettings settings;
    private final NetworkStore store;
    private final Ipam ipam = new Ipam();
    private final Firewall firewall;
    private final EventBus events;
    private final DnsNames names;
    private final Map<String, DnsServer> dns = new ConcurrentHashMap<>();

    public NetworkService(Path root, NetworkSettings settings, EventBus events, DnsNames names) throws IOException {
        this.settings = settings;
        this.store = new NetworkStore(root.resolve("networks"));
        this.firewall = Firewall.detect(settings.prefix());
        this.events = events;
        this.names = names;
    }

    public NetworkSettings settings() {
        return settings;
    }

    public Ipam ipam() {
        return ipam;
    }

    public NetworkRecord get(String ref) {
        return store.get(ref);
    }

    public Optional<NetworkRecord> find(String ref) {
        return store.find(ref);
    }

    public Collection<NetworkRecord> all() {
        return store.all();
    }

    /** Engine start: the predefined networks exist; every bridge network's bridge, DNS and rules are up. */
    public void init() throws IOException {
        ensurePredefined();
        for (NetworkRecord n : store.all()) {
            if (n.bridgeDriver()) {
                ensureUp(n);
            }
        }
        applyFirewall();
    }

    private void ensurePredefined() throws IOException {
        if (store.find("bridge").isEmpty()) {
            Subnet s = settings.bridgeSubnet() != null ? Subnet.parse(settings.bridgeSubnet()) : freeSubnet();
            store.add(new NetworkRecord(newId(), "bridge", "bridge", Instant.now(), s.toString(),
                    s.address(1).getHostAddress(), settings.defaultBridge(), false, false, false, Map.of(),
                    Map.of("com.docker.network.bridge.default_bridge", "true",
                            "com.docker.network.bridge.name", settings.defaultBridge(),
                            "com.docker.network.bridge.enable_ip_masquerade", "true")));
        }
        if (store.find("host").isEmpty()) {
            store.add(new NetworkRecord(newId(), "host", "host", Instant.now(), null, null, null, false, false, false,
                    Map.of(), Map.of()));
        }
        if (store.find("none").isEmpty()) {
            store.add(new NetworkRecord(newId(), "none", "null", Instant.now(), null, null, null, false, false, false,
                    Map.of(), Map.of()));
        }
    }

    /** Brings a bridge network's bridge and DNS server up (idempotent: also after an engine restart). */
    public synchronized void ensureUp(NetworkRecord n) throws IOException {
        Subnet s = Subnet.parse(n.subnet());
        Links.ensureBridge(n.bridge(), n.gateway(), s.prefix());
        if (!n.internal()) {
            Links.enableForwarding();
        }
        if (!dns.containsKey(n.id())) {
            try {
                // read at each start: the host's resolvers change with VPNs and Wi-Fi; an internal network
                // gets none, so names from outside do not resolve there either (as Docker)
                Upstreams upstreams = n.internal() ? Upstreams.of(List.of())
                        : Upstreams.fromResolvConf(Path.of("/etc/resolv.conf"));
                dns.put(n.id(), DnsServer.start(new InetSocketAddress(Subnet.parseAddress(n.gateway()), 53), n.id(),
                        names, upstreams));
            } catch (IOException e) {
                log.warn("no embedded DNS on network {}: {}", n.name(), e.getMessage());
            }
        }
    }

    public NetworkRecord create(CreateNetworkRequest req) throws IOException {
        if (req == null || req.name() == null || req.name().isBlank()) {
            throw new InvalidArgumentException("network name is required");
        }
        String driver = req.driver() == null || req.driver().isEmpty() ? "bridge" : req.driver();
        if (!driver.equals("bridge")) {
            throw new NotFoundException("plugin \"" + driver + "\" not found");
        }
        NetworkRecord n;
        synchronized (this) {
            Subnet subnet = subnetFor(req);
            String gateway = gatewayFor(req, subnet);
            String id = newId();
            n = new NetworkRecord(id, req.name(), "bridge", Instant.now(), subnet.toString(), gateway,
                    settings.userBridge(id), Boolean.TRUE.equals(req.internal()), Boolean.TRUE.equals(req.attachable()),
                    true, req.labels(), req.options());
            store.add(n);
        }
        try {
            ensureUp(n);
            applyFirewall();
        } catch (IOException | RuntimeException e) {
            remove(n.id(), false);
            throw e;
        }
        publish(n, "create", Map.of());
        return n;
    }

    private Subnet subnetFor(CreateNetworkRequest req) throws IOException {
        List<CreateNetworkRequest.IpamConfig> cfg = req.ipam() == null || req.ipam().config() == null ? List.of()
                : req.ipam().config();
        String wanted = cfg.stream().map(CreateNetworkRequest.IpamConfig::subnet).filter(x -> x != null && !x.isEmpty())
                .findFirst().orElse(null);
        if (wanted == null) {
            return freeSubnet();
        }
        Subnet s = Subnet.parse(wanted);
        if (s.prefix() > 30) {
            throw new InvalidArgumentException("subnet " + s + " is too small for a network");
        }
        for (NetworkRecord other : store.all()) {
            if (other.subnet() != null && Subnet.parse(other.subnet()).overlaps(s)) {
                throw new InvalidArgumentException("invalid pool request: Pool overlaps with other one on this address "
                        + "space: subnet " + s + " overlaps with network " + other.name() + " (" + other.subnet() + ")");
            }
        }
        return s;
    }

    private static String gatewayFor(CreateNetworkRequest req, Subnet s) {
        String gw = req.ipam() == null || req.ipam().config() == null ? null : req.ipam().config().stream()
                .map(CreateNetworkRequest.IpamConfig::gateway).filter(x -> x != null && !x.isEmpty()).findFirst()
                .orElse(null);
        if (gw == null) {
            return s.address(1).getHostAddress();
        }
        if (!s.contains(Subnet.parseAddress(gw))) {
            throw new InvalidArgumentException("invalid gateway " + gw + ": it is not in subnet " + s);
        }
        return gw;
    }

    /** A subnet no network of any engine here, no route of the host and no bound socket uses. */
    private Subnet freeSubnet() throws IOException {
        List<Subnet> taken = new ArrayList<>(HostRoutes.routed(settings.prefix()));
        taken.addAll(BoundAddresses.udp());
        for (NetworkRecord n : store.all()) {
            if (n.subnet() != null) {
                taken.add(Subnet.parse(n.subnet()));
            }
        }
        return settings.pick(taken);
    }

    /** Removes a user network; refused for predefined ones and while containers are attached. */
    public void remove(String ref, boolean check) throws IOException {
        NetworkRecord n = store.get(ref);
        if (check) {
            if (!n.userDefined()) {
                throw new ForbiddenException(n.name() + " is a pre-defined network and cannot be removed");
            }
            if (ipam.inUse(n.id()) > 0) {
                throw new ForbiddenException("error while removing network: network " + n.name() + " id " + n.id()
                        + " has active endpoints");
            }
        }
        DnsServer server = dns.remove(n.id());
        if (server != null) {
            server.close();
        }
        if (n.bridge() != null) {
            Links.deleteLink(n.bridge());
        }
        store.remove(n);
        ipam.forget(n.id());
        applyFirewall();
        if (check) {
            publish(n, "destroy", Map.of());
        }
    }

    /** The firewall for all current bridge networks. */
    public void applyFirewall() throws IOException {
        List<Firewall.Bridge> bridges = store.all().stream().filter(NetworkRecord::bridgeDriver)
                .map(n -> new Firewall.Bridge(n.bridge(), n.subnet(), n.gateway(), n.internal())).toList();
        firewall.apply(bridges);
    }

    /** Stops the DNS servers (engine shutdown); bridges and rules stay for the running containers. */
    public void close() {
        dns.values().forEach(DnsServer::close);
        dns.clear();
    }

    public void publish(NetworkRecord n, String action, Map<String, String> extra) {
        Map<String, String> attrs = new HashMap<>(extra);
        attrs.put("name", n.name());
        attrs.put("type", n.driver());
        events.publish(Event.of("network", action, n.id(), attrs));
    }

    static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
