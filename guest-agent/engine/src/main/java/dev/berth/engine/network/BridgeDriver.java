package dev.berth.engine.network;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.NetworkSetup;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.network.EndpointStore.Attachment;
import dev.berth.engine.network.link.Links;
import dev.berth.engine.network.model.Endpoint;
import dev.berth.engine.network.model.NetworkRecord;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers on bridge networks: at start, a network namespace of their own with one veth pair per network
 * (address from IPAM, MAC derived from it as Docker does), the published ports bound, the names registered
 * with the embedded DNS. All of it is recorded in the container's endpoint file before it is created, and
 * undone at exit. Host, none and container:&lt;name&gt; modes need none of it.
 */
public final class BridgeDriver implements NetworkSetup {
    private static final Logger log = LoggerFactory.getLogger(BridgeDriver.class);

    private final NetworkService networks;
    private final EndpointStore endpoints;
    private final DnsNames names;
    private final PortPublisher ports;

    public BridgeDriver(NetworkService networks, EndpointStore endpoints, DnsNames names, PortPublisher ports) {
        this.networks = networks;
        this.endpoints = endpoints;
        this.names = names;
        this.ports = ports;
    }

    @Override
    public String prepare(Container c) throws IOException {
        String mode = c.record().hostConfig().networkMode();
        switch (ContainerNetworks.kind(mode)) {
            case "host":
                return "host";
            case "none":
                return null;
            case "container":
                return mode;
            default:
                break;
        }
        List<NetworkRecord> nets = resolve(c.record());
        String ns = networks.settings().netns(c.id());
        Attachment a = new Attachment(c.id(), ns, List.of(), List.of());
        endpoints.save(a); // first: a crash from here on leaves a record of what to clean up
        try {
            Links.deleteNetns(ns); // left by a crash during an earlier start
            Links.createNetns(ns);
            List<ContainerNetworks.Request> reqs = ContainerNetworks.of(c.record());
            for (int i = 0; i < nets.size(); i++) {
                a = attach(c, a, nets.get(i), reqs.get(i), i);
            }
            Inet4Address target = Subnet.parseAddress(a.endpoints().get(0).ip());
            List<PortPlan.Binding> plan = PortPlan.of(c.record().hostConfig(), c.record().config().exposedPorts(),
                    networks.settings().defaultBindIp());
            a = a.withPorts(ports.publish(c.id(), c.record().plainName(), plan, target));
            endpoints.save(a);
            names.put(a);
            return Links.netnsPath(ns).toString();
        } catch (IOException | RuntimeException e) {
            release(c);
            throw e;
        }
    }

    @Override
    public void validate(ContainerRecord r) {
        resolve(r);
    }

    /** Resolves and checks the requested networks (Docker's texts for what only user networks allow). */
    private List<NetworkRecord> resolve(ContainerRecord r) {
        List<NetworkRecord> out = new ArrayList<>();
        for (ContainerNetworks.Request req : ContainerNetworks.of(r)) {
            NetworkRecord n = networks.get(req.network());
            if (!n.bridgeDriver()) {
                throw new InvalidArgumentException("container cannot be connected to network " + n.name()
                        + " together with other networks");
            }
            if (!n.userDefined() && req.ipv4() != null) {
                throw new InvalidArgumentException("user specified IP address is supported on user defined networks only");
            }
            if (!n.userDefined() && !req.aliases().isEmpty()) {
                throw new InvalidArgumentException("network-scoped alias is supported only for containers in user "
                        + "defined networks");
            }
            out.add(n);
        }
        return out;
    }

    /** One network: address (recorded before use), then the veth pair. */
    private Attachment attach(Container c, Attachment a, NetworkRecord n, ContainerNetworks.Request req, int index)
            throws IOException {
        networks.ensureUp(n);
        Inet4Address ip = networks.ipam().allocate(n, req.ipv4());
        String endpointId = NetworkService.newId();
        String mac = req.mac() != null ? req.mac() : macFor(ip);
        Endpoint e = new Endpoint(n.id(), endpointId, ip.getHostAddress(), Subnet.parse(n.subnet()).prefix(),
                n.gateway(), mac, req.ipv4() != null, dnsNames(c.record(), n, req), "vb" + endpointId.substring(0, 12),
                "eth" + index);
        Attachment next = a.withEndpoint(e);
        endpoints.save(next);
        Links.attach(a.netns(), n.bridge(), e.hostInterface(), e.innerInterface(), mac, e.ip(), e.prefixLength(),
                n.gateway(), index == 0);
        return next;
    }

    /** On user networks: the container's name, its short ID and its aliases (Docker's DNSNames). */
    static List<String> dnsNames(ContainerRecord r, NetworkRecord n, ContainerNetworks.Request req) {
        if (!n.userDefined()) {
            return List.of();
        }
        Set<String> s = new LinkedHashSet<>();
        s.add(r.plainName());
        s.add(r.shortId());
        s.addAll(req.aliases());
        return List.copyOf(s);
    }

    /** Docker's MAC for an address: 02:42 and the four address bytes. */
    static String macFor(Inet4Address ip) {
        byte[] b = ip.getAddress();
        return String.format("02:42:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3]);
    }

    @Override
    public void release(Container c) {
        ports.withdraw(c.id());
        names.remove(c.id());
        try {
            endpoints.get(c.id()).ifPresent(this::free);
        } catch (IOException | RuntimeException e) {
            log.warn("network cleanup of {}: {}", c.id(), e.toString());
        }
    }

    /**
     * Deletes an attachment's namespace and interfaces, returns its addresses and drops its record. The
     * addresses and the record go even when an interface would not: a leaked interface costs a name, a
     * leaked address would eventually exhaust the subnet.
     */
    private void free(Attachment a) {
        quietly(a, () -> Links.deleteNetns(a.netns()));
        for (Endpoint e : a.endpoints()) {
            quietly(a, () -> Links.deleteLink(e.hostInterface())); // normally gone with the namespace
            networks.find(e.networkId()).ifPresent(n -> networks.ipam().release(n, e.ip()));
        }
        quietly(a, () -> endpoints.delete(a.containerId()));
    }

    private interface LinkStep {
        void run() throws IOException;
    }

    private static void quietly(Attachment a, LinkStep step) {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            log.warn("network cleanup of {}: {}", a.containerId(), e.toString());
        }
    }

    /**
     * {@code docker network connect} of a running container: one more veth pair in its namespace. The
     * caller has recorded the request in the container's record already.
     */
    public void connect(Container c, NetworkRecord n, ContainerNetworks.Request req) throws IOException {
        Attachment a = endpoints.get(c.id()).orElseThrow(() -> new InvalidArgumentException("container "
                + c.record().plainName() + " has no network namespace of its own (network mode "
                + c.record().hostConfig().networkMode() + ")"));
        if (a.endpoints().stream().anyMatch(e -> e.networkId().equals(n.id()))) {
            return;
        }
        int index = a.endpoints().stream().mapToInt(e -> Integer.parseInt(e.innerInterface().substring(3)))
                .max().orElse(-1) + 1;
        a = attach(c, a, n, req, index);
        endpoints.save(a);
        names.put(a);
    }

    /** {@code docker network disconnect} of a running container: its veth pair on {@code n} goes. */
    public void disconnect(Container c, NetworkRecord n) throws IOException {
        Optional<Attachment> stored = endpoints.get(c.id());
        if (stored.isEmpty()) {
            return;
        }
        Attachment a = stored.get();
        List<Endpoint> keep = new ArrayList<>();
        for (Endpoint e : a.endpoints()) {
            if (e.networkId().equals(n.id())) {
                Links.detach(a.netns(), e.innerInterface());
                networks.ipam().release(n, e.ip());
            } else {
                keep.add(e);
            }
        }
        Attachment next = new Attachment(a.containerId(), a.netns(), keep, a.ports());
        endpoints.save(next);
        names.put(next);
    }

    /**
     * Engine start: containers still running get their addresses reserved again, their names back in DNS
     * and their published ports re-bound (the proxies lived in the previous engine process); attachments
     * of containers that are gone are cleaned up.
     */
    public void recover(Predicate<String> running) throws IOException {
        for (Attachment a : endpoints.all()) {
            if (!running.test(a.containerId())) {
                free(a); // not running: its addresses were never reserved in this life
                continue;
            }
            for (Endpoint e : a.endpoints()) {
                networks.find(e.networkId()).ifPresent(n -> networks.ipam().reserve(n, e.ip()));
            }
            names.put(a);
            List<PortPlan.Binding> plan = a.ports().stream().map(p -> new PortPlan.Binding(p.protocol(), p.hostIp(),
                    p.hostPort(), p.hostPort(), p.containerPort())).toList();
            if (!plan.isEmpty() && !a.endpoints().isEmpty()) {
                try {
                    ports.publish(a.containerId(), a.containerId().substring(0, 12), plan,
                            Subnet.parseAddress(a.endpoints().get(0).ip()));
                } catch (IOException | RuntimeException e) {
                    log.warn("published ports of {} could not be bound again: {}", a.containerId(), e.getMessage());
                }
            }
        }
    }

    @Override
    public String address(Container c) {
        return names.attachment(c.id()).filter(a -> !a.endpoints().isEmpty())
                .map(a -> a.endpoints().get(0).ip()).orElse(null);
    }

    @Override
    public List<String> nameservers(Container c) {
        String kind = ContainerNetworks.kind(c.record().hostConfig().networkMode());
        if (kind.equals("host")) {
            return null;
        }
        return names.attachment(c.id()).filter(a -> !a.endpoints().isEmpty())
                .map(a -> List.of(a.endpoints().get(0).gateway())).orElse(List.of());
    }
}
