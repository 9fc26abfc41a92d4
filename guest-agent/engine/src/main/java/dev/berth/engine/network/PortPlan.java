package dev.berth.engine.network;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.container.model.HostConfig.PortBinding;
import dev.berth.engine.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host ports a container asks for: {@code PortBindings} ({@code -p}), plus every exposed port with
 * {@code PublishAllPorts} ({@code -P}). A host port of 0 or empty means "any free one"; {@code a-b} means
 * "one free port of that range".
 */
public final class PortPlan {
    /** One binding to make: protocol, host address, host port range (from = to for one port), container port. */
    public record Binding(String protocol, String hostIp, int fromPort, int toPort, int containerPort) {}

    private PortPlan() {}

    public static List<Binding> of(HostConfig h, Map<String, Object> exposed, String defaultBindIp) {
        Map<String, List<PortBinding>> bindings = new TreeMap<>(h.portBindings() == null ? Map.of() : h.portBindings());
        if (Boolean.TRUE.equals(h.publishAllPorts()) && exposed != null) {
            for (String port : exposed.keySet()) {
                bindings.putIfAbsent(port, List.of(new PortBinding("", "")));
            }
        }
        List<Binding> out = new ArrayList<>();
        for (var e : bindings.entrySet()) {
            String[] key = e.getKey().split("/");
            int containerPort = port(key[0], e.getKey());
            String proto = key.length > 1 ? key[1].toLowerCase(java.util.Locale.ROOT) : "tcp";
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw new InvalidArgumentException("invalid proto: " + proto);
            }
            List<PortBinding> list = e.getValue() == null || e.getValue().isEmpty() ? List.of(new PortBinding("", ""))
                    : e.getValue();
            for (PortBinding b : list) {
                String ip = b.hostIp() == null || b.hostIp().isEmpty() ? defaultBindIp : b.hostIp();
                Subnet.parseAddress(ip); // IPv4 only for now; a clear error for anything else
                int[] range = range(b.hostPort());
                out.add(new Binding(proto, ip, range[0], range[1], containerPort));
            }
        }
        return out;
    }

    /** "" or "0": any; "8080"; "8000-8010". */
    static int[] range(String hostPort) {
        if (hostPort == null || hostPort.isEmpty() || hostPort.equals("0")) {
            return new int[] {0, 0};
        }
        int dash = hostPort.indexOf('-');
        if (dash < 0) {
            int p = port(hostPort, hostPort);
            return new int[] {p, p};
        }
        int from = port(hostPort.substring(0, dash), hostPort);
        int to = port(hostPort.substring(dash + 1), hostPort);
        if (to < from) {
            throw new InvalidArgumentException("invalid port range: " + hostPort);
        }
        return new int[] {from, to};
    }

    private static int port(String s, String whole) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid port specification: \"" + whole + "\"");
        }
    }
}
