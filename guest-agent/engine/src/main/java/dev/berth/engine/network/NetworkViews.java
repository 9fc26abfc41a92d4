package dev.berth.engine.network;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerViews;
import dev.berth.engine.network.EndpointStore.Attachment;
import dev.berth.engine.network.EndpointStore.PublishedPort;
import dev.berth.engine.network.model.Endpoint;
import dev.berth.engine.network.model.NetworkRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The JSON of networks ({@code GET /networks}) and of a container's {@code NetworkSettings} and ps
 * {@code Ports}, as dockerd writes them (CHECKLIST 7.2, 7.3, 7.5): networks keyed by name, empty strings
 * rather than missing fields for a container that is not running.
 */
public final class NetworkViews implements ContainerViews.NetworkView {
    private final NetworkService networks;
    private final DnsNames live;
    private final Function<String, Optional<String>> containerName;

    public NetworkViews(NetworkService networks, DnsNames live, Function<String, Optional<String>> containerName) {
        this.networks = networks;
        this.live = live;
        this.containerName = containerName;
    }

    @Override
    public Map<String, Object> settings(Container c) {
        Optional<Attachment> a = live.attachment(c.id());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Bridge", "");
        m.put("SandboxID", a.map(x -> x.netns()).orElse(""));
        m.put("HairpinMode", false);
        m.put("LinkLocalIPv6Address", "");
        m.put("LinkLocalIPv6PrefixLen", 0);
        m.put("Ports", ports(c, a));
        m.put("SandboxKey", a.map(x -> "/run/netns/" + x.netns()).orElse(""));
        m.put("SecondaryIPAddresses", null);
        m.put("SecondaryIPv6Addresses", null);
        Map<String, Object> nets = endpoints(c, a);
        Object bridge = nets.get("bridge");
        @SuppressWarnings("unchecked")
        Map<String, Object> b = bridge instanceof Map<?, ?> ? (Map<String, Object>) bridge : Map.of();
        for (String k : List.of("EndpointID", "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress",
                "IPPrefixLen", "IPv6Gateway", "MacAddress")) {
            m.put(k, b.getOrDefault(k, k.endsWith("PrefixLen") ? 0 : ""));
        }
        m.put("Networks", nets);
        return m;
    }

    /** One entry per network the container is configured for, filled in while it runs. */
    private Map<String, Object> endpoints(Container c, Optional<Attachment> a) {
        Map<String, Object> out = new LinkedHashMap<>();
        String mode = c.record().hostConfig().networkMode();
        List<String> names = new ArrayList<>();
        switch (ContainerNetworks.kind(mode)) {
            case "host", "none" -> names.add(mode);
            case "container" -> {
                return out;
            }
            default -> ContainerNetworks.of(c.record()).forEach(r -> names.add(r.network()));
        }
        for (String ref : names) {
            Optional<NetworkRecord> n = networks.find(ref);
            Optional<Endpoint> e = n.flatMap(net -> a.flatMap(x -> x.endpoints().stream()
                    .filter(ep -> ep.networkId().equals(net.id())).findFirst()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("IPAMConfig", null);
            m.put("Links", null);
            m.put("Aliases", e.map(x -> x.aliases().isEmpty() ? null : (Object) x.aliases()).orElse(null));
            m.put("MacAddress", e.map(Endpoint::mac).orElse(""));
            m.put("NetworkID", n.map(NetworkRecord::id).orElse(""));
            m.put("EndpointID", e.map(Endpoint::endpointId).orElse(""));
            m.put("Gateway", e.map(Endpoint::gateway).orElse(""));
            m.put("IPAddress", e.map(Endpoint::ip).orElse(""));
            m.put("IPPrefixLen", e.map(Endpoint::prefixLength).orElse(0));
            m.put("IPv6Gateway", "");
            m.put("GlobalIPv6Address", "");
            m.put("GlobalIPv6PrefixLen", 0);
            m.put("DriverOpts", null);
            m.put("DNSNames", e.map(x -> x.aliases().isEmpty() ? null : (Object) x.aliases()).orElse(null));
            out.put(n.map(NetworkRecord::name).orElse(ref), m);
        }
        return out;
    }

    /** {@code "80/tcp": [{"HostIp","HostPort"}]} for published ports, null for exposed ones. */
    private static Map<String, Object> ports(Container c, Optional<Attachment> a) {
        TreeSet<String> keys = new TreeSet<>();
        if (c.record().config().exposedPorts() != null) {
            keys.addAll(c.record().config().exposedPorts().keySet());
        }
        List<PublishedPort> published = a.map(Attachment::ports).orElse(List.of());
        published.forEach(p -> keys.add(p.key()));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : keys) {
            List<Map<String, String>> binds = published.stream().filter(p -> p.key().equals(k))
                    .map(p -> Map.of("HostIp", p.hostIp(), "HostPort", Integer.toString(p.hostPort()))).toList();
            out.put(k, binds.isEmpty() ? null : binds);
        }
        return out;
    }

    @Override
    public List<Map<String, Object>> ports(Container c) {
        List<Map<String, Object>> out = new ArrayList<>();
        Optional<Attachment> a = live.attachment(c.id());
        List<PublishedPort> published = a.map(Attachment::ports).orElse(List.of());
        for (PublishedPort p : published) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("IP", p.hostIp());
            m.put("PrivatePort", p.containerPort());
            m.put("PublicPort", p.hostPort());
            m.put("Type", p.protocol());
            out.add(m);
        }
        if (c.record().config().exposedPorts() != null) {
            for (String k : c.record().config().exposedPorts().keySet()) {
                if (published.stream().noneMatch(p -> p.key().equals(k))) {
                    String[] f = k.split("/");
                    out.add(Map.of("PrivatePort", Integer.parseInt(f[0]), "Type", f.length > 1 ? f[1] : "tcp"));
                }
            }
        }
        return out;
    }

    /** A network as {@code docker network inspect} shows it, with the containers attached now. */
    public Map<String, Object> network(NetworkRecord n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        m.put("Created", n.created().toString());
        m.put("Scope", "local");
        m.put("Driver", n.driver());
        m.put("EnableIPv6", false);
        List<Map<String, String>> config = n.subnet() == null ? List.of()
                : List.of(Map.of("Subnet", n.subnet(), "Gateway", n.gateway()));
        m.put("IPAM", Map.of("Driver", "default", "Options", Map.of(), "Config", config));
        m.put("Internal", n.internal());
        m.put("Attachable", n.attachable());
        m.put("Ingress", false);
        m.put("ConfigFrom", Map.of("Network", ""));
        m.put("ConfigOnly", false);
        m.put("Containers", containers(n));
        m.put("Options", n.options());
        m.put("Labels", n.labels());
        return m;
    }

    private Map<String, Object> containers(NetworkRecord n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attachment a : live.all()) {
            for (Endpoint e : a.endpoints()) {
                if (e.networkId().equals(n.id())) {
                    out.put(a.containerId(), Map.of("Name", containerName.apply(a.containerId()).orElse(""),
                            "EndpointID", e.endpointId(), "MacAddress", e.mac(),
                            "IPv4Address", e.ip() + "/" + e.prefixLength(), "IPv6Address", ""));
                }
            }
        }
        return out;
    }
}
