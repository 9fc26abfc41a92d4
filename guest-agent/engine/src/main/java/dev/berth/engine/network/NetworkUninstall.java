package dev.berth.engine.network;

import dev.berth.engine.network.firewall.Firewall;
import dev.berth.engine.network.link.Links;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes what an engine put on the host's network, for {@code berth engine uninstall}: its nftables table,
 * its accept rules in a foreign iptables policy, its containers' namespaces and its bridges. Everything is
 * found by the engine's prefix, so rules and interfaces that are not Berth's are never touched. Runs with
 * the engine stopped (the caller stops it and its containers first).
 */
public final class NetworkUninstall {
    private NetworkUninstall() {}

    /** Returns what was removed, one line each, for the user to read. */
    public static List<String> removeHostState(String wanted) throws IOException {
        // validated as the engine validates it: the prefix decides what is deleted
        String prefix = new NetworkSettings(null, null, null, wanted).prefix();
        List<String> removed = new ArrayList<>();
        for (String ns : names(Path.of("/run/netns"), prefix + "-")) {
            Links.deleteNetns(ns);
            removed.add("network namespace " + ns);
        }
        for (String link : names(Path.of("/sys/class/net"), prefix)) {
            Links.deleteLink(link);
            removed.add("interface " + link);
        }
        Firewall.detect(prefix).removeAll();
        removed.add("firewall rules of " + prefix + " (nftables table inet " + prefix + ", iptables rules commented "
                + prefix + ")");
        return removed;
    }

    private static List<String> names(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }
}
