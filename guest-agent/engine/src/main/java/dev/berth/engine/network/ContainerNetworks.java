package dev.berth.engine.network;

import dev.berth.engine.container.model.ContainerRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which networks a container joins, read from its record: the network of {@code NetworkMode} first
 * ({@code default} is {@code bridge}), then the other {@code EndpointsConfig} entries (API ≥ 1.44 honours
 * all of them), each with the aliases and address the user asked for.
 */
public final class ContainerNetworks {
    /** One requested attachment: the network as named, aliases and a static address ({@code --ip}). */
    public record Request(String network, List<String> aliases, String ipv4, String mac) {}

    private ContainerNetworks() {}

    /** The mode's kind: "host", "none", "container" or "bridge" (default, bridge, or a user network). */
    public static String kind(String networkMode) {
        if (networkMode == null || networkMode.isEmpty() || networkMode.equals("default")) {
            return "bridge";
        }
        if (networkMode.equals("host") || networkMode.equals("none")) {
            return networkMode;
        }
        return networkMode.startsWith("container:") ? "container" : "bridge";
    }

    public static String primary(String networkMode) {
        return networkMode == null || networkMode.isEmpty() || networkMode.equals("default") ? "bridge" : networkMode;
    }

    /** The attachments in order; empty for host, none and container modes. */
    public static List<Request> of(ContainerRecord r) {
        String mode = r.hostConfig().networkMode();
        if (!kind(mode).equals("bridge")) {
            return List.of();
        }
        Map<String, Map<String, Object>> configs = new LinkedHashMap<>(r.networks());
        String primary = primary(mode);
        List<Request> out = new ArrayList<>();
        Map<String, Object> first = configs.containsKey(primary) ? configs.remove(primary) : configs.remove("default");
        out.add(request(primary, first));
        configs.remove("default");
        configs.forEach((name, cfg) -> out.add(request(name, cfg)));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Request request(String network, Map<String, Object> cfg) {
        if (cfg == null) {
            return new Request(network, List.of(), null, null);
        }
        List<String> aliases = cfg.get("Aliases") instanceof List<?> l ? (List<String>) l : List.of();
        String ip = null;
        if (cfg.get("IPAMConfig") instanceof Map<?, ?> ipam && ipam.get("IPv4Address") instanceof String s
                && !s.isEmpty()) {
            ip = s;
        }
        String mac = cfg.get("MacAddress") instanceof String m && !m.isEmpty() ? m : null;
        return new Request(network, aliases, ip, mac);
    }
}
