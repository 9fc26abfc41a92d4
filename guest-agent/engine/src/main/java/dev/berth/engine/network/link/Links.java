package dev.berth.engine.network.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Linux objects behind a bridge network: the bridge with the gateway address, and per container a
 * network namespace ({@code /run/netns/<name>}, what runc joins) holding one end of a veth pair per network.
 */
public final class Links {
    private Links() {}

    public static boolean exists(String ifname) {
        return Files.exists(Path.of("/sys/class/net", ifname));
    }

    /** Creates the bridge with its gateway address and brings it up; a no-op if it exists. */
    public static void ensureBridge(String name, String gateway, int prefix) throws IOException {
        if (exists(name)) {
            // left by an earlier life of the engine: keep it, but with this network's address only
            if (!IpCommand.query("-o", "-4", "addr", "show", "dev", name).contains(" " + gateway + "/" + prefix + " ")) {
                IpCommand.batch(List.of("addr flush dev " + name, "addr add " + gateway + "/" + prefix + " dev " + name,
                        "link set " + name + " up"));
            }
            return;
        }
        IpCommand.batch(List.of("link add name " + name + " type bridge",
                "addr add " + gateway + "/" + prefix + " dev " + name,
                "link set " + name + " up"));
    }

    /**
     * Deletes an interface if it is there. A veth's host end vanishes by itself, a moment after its peer's
     * namespace is deleted (the kernel cleans namespaces up asynchronously), so "gone meanwhile" is success.
     */
    public static void deleteLink(String name) throws IOException {
        if (!exists(name)) {
            return;
        }
        try {
            IpCommand.batch(List.of("link delete " + name));
        } catch (IOException e) {
            if (exists(name)) {
                throw e;
            }
        }
    }

    public static void createNetns(String name) throws IOException {
        IpCommand.batch(List.of("netns add " + name));
        IpCommand.batchIn(name, List.of("link set lo up"));
    }

    /** Deletes the namespace; its veth ends go with it, which deletes their host-side peers too. */
    public static void deleteNetns(String name) throws IOException {
        if (Files.exists(netnsPath(name))) {
            IpCommand.batch(List.of("netns delete " + name));
        }
    }

    public static Path netnsPath(String name) {
        return Path.of("/run/netns", name);
    }

    /**
     * One veth pair: {@code hostIf} on {@code bridge}, {@code inner} inside the namespace with the address,
     * the MAC and (for the first network) the default route through the gateway.
     */
    public static void attach(String netns, String bridge, String hostIf, String inner, String mac, String ip,
            int prefix, String gateway, boolean defaultRoute) throws IOException {
        IpCommand.batch(List.of("link add " + hostIf + " type veth peer name " + inner + " netns " + netns,
                "link set " + hostIf + " master " + bridge,
                "link set " + hostIf + " up"));
        List<String> inside = new ArrayList<>(List.of("link set " + inner + " address " + mac,
                "addr add " + ip + "/" + prefix + " dev " + inner,
                "link set " + inner + " up"));
        if (defaultRoute) {
            inside.add("route add default via " + gateway + " dev " + inner);
        }
        IpCommand.batchIn(netns, inside);
    }

    /** Removes one network's interface from a running container's namespace (network disconnect). */
    public static void detach(String netns, String inner) throws IOException {
        IpCommand.batchIn(netns, List.of("link delete " + inner));
    }

    /** The host may forward packets between interfaces (containers reach the outside through NAT). */
    public static void enableForwarding() throws IOException {
        Path f = Path.of("/proc/sys/net/ipv4/ip_forward");
        if (!Files.readString(f).trim().equals("1")) {
            Files.writeString(f, "1\n");
        }
    }
}
