package dev.berth.engine.container.rootfs;

import dev.berth.engine.container.ContainerPaths;
import dev.berth.engine.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The three files Docker bind-mounts into every container: /etc/hostname, /etc/hosts and /etc/resolv.conf.
 * On a bridge network resolv.conf names the network's embedded DNS (the gateway), which answers container
 * names and forwards the rest to the host's resolvers. Without one it is the host's, minus loopback
 * nameservers (they mean nothing inside the container's own network namespace), with Google's public
 * resolvers as Docker's fallback when none remain; on the host's network it is the host's file as it is.
 */
public final class EtcFiles {
    private EtcFiles() {}

    /**
     * @param address    the container's IP on its network, or null (no network yet / none)
     * @param extraHosts {@code host:ip} entries from {@code --add-host}
     * @param dns        nameservers from {@code --dns}; empty means the network's or the host's
     * @param networkDns the network's embedded DNS; empty: derive from the host; null: the host's file as is
     */
    public static void write(ContainerPaths p, String hostname, String domainname, String address,
            List<String> extraHosts, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
            List<String> networkDns) throws IOException {
        String fqdn = domainname == null || domainname.isEmpty() ? hostname : hostname + "." + domainname;
        AtomicFiles.write(p.hostnameFile(), (hostname + "\n").getBytes(StandardCharsets.UTF_8));
        StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
        for (String h : extraHosts == null ? List.<String>of() : extraHosts) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                hosts.append(h.substring(colon + 1)).append('\t').append(h, 0, colon).append('\n');
            }
        }
        if (address != null && !address.isEmpty()) {
            hosts.append(address).append('\t').append(fqdn.equals(hostname) ? hostname : fqdn + " " + hostname).append('\n');
        }
        AtomicFiles.write(p.hostsFile(), hosts.toString().getBytes(StandardCharsets.UTF_8));
        boolean embedded = (dns == null || dns.isEmpty()) && networkDns != null && !networkDns.isEmpty();
        String resolv = networkDns == null && (dns == null || dns.isEmpty()) && Files.isReadable(HOST_RESOLV_CONF)
                ? Files.readString(HOST_RESOLV_CONF)
                : resolvConf(embedded ? networkDns : dns, dnsSearch, dnsOptions, embedded);
        AtomicFiles.write(p.resolvConf(), resolv.getBytes(StandardCharsets.UTF_8));
    }

    static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    /**
     * With the embedded DNS, Docker adds {@code ndots:0}: a short name such as {@code db} is asked as it is
     * first, instead of being tried as {@code db.<host search domain>} upstream (a leak, and slow).
     */
    private static void addNdots0(List<String> options) {
        if (options.stream().noneMatch(o -> o.startsWith("ndots:"))) {
            options.add("ndots:0");
        }
    }

    /**
     * @param dns      the servers to use; empty: the host's non-loopback ones
     * @param embedded {@code dns} is the network's embedded DNS
     */
    static String resolvConf(List<String> dns, List<String> search, List<String> options, boolean embedded)
            throws IOException {
        List<String> servers = new ArrayList<>(dns == null ? List.of() : dns);
        List<String> searches = new ArrayList<>(search == null ? List.of() : search);
        List<String> opts = new ArrayList<>(options == null ? List.of() : options);
        Path host = HOST_RESOLV_CONF;
        if (Files.isReadable(host)) {
            for (String line : Files.readAllLines(host)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                switch (f[0]) {
                    case "nameserver" -> {
                        if (servers.size() < 3 && (dns == null || dns.isEmpty()) && !isLoopback(f[1])) {
                            servers.add(f[1]);
                        }
                    }
                    case "search" -> {
                        if (search == null || search.isEmpty()) {
                            searches.addAll(List.of(f).subList(1, f.length));
                        }
                    }
                    case "options" -> {
                        if (options == null || options.isEmpty()) {
                            opts.addAll(List.of(f).subList(1, f.length));
                        }
                    }
                    default -> { }
                }
            }
        }
        if (servers.isEmpty()) {
            servers.addAll(List.of("8.8.8.8", "8.8.4.4"));
        }
        if (embedded) {
            addNdots0(opts);
        }
        StringBuilder sb = new StringBuilder();
        servers.forEach(s -> sb.append("nameserver ").append(s).append('\n'));
        if (!searches.isEmpty()) {
            sb.append("search ").append(String.join(" ", searches)).append('\n');
        }
        if (!opts.isEmpty()) {
            sb.append("options ").append(String.join(" ", opts)).append('\n');
        }
        return sb.toString();
    }

    private static boolean isLoopback(String ip) {
        return ip.startsWith("127.") || ip.equals("::1");
    }
}
