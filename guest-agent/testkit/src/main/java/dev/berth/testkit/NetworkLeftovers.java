package dev.berth.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Removes what a test engine left on the host's network: its bridges, its containers' namespaces, its
 * nftables table and its iptables rules, all recognisable by the engine's name prefix. An engine keeps
 * these on purpose when it stops (its containers may still run); a test must not leave them behind.
 */
public final class NetworkLeftovers {
    private NetworkLeftovers() {}

    public static void remove(String prefix) throws IOException, InterruptedException {
        try (Stream<Path> ns = Files.exists(Path.of("/run/netns")) ? Files.list(Path.of("/run/netns")) : Stream.empty()) {
            for (Path p : ns.filter(p -> p.getFileName().toString().startsWith(prefix + "-")).toList()) {
                run("ip", "netns", "delete", p.getFileName().toString());
            }
        }
        try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
            for (Path p : links.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                run("ip", "link", "delete", p.getFileName().toString());
            }
        }
        run("sh", "-c", "nft delete table inet " + prefix + " 2>/dev/null || true");
        Processes.Result rules = run("iptables", "-S");
        for (String line : rules.stdout().lines().toList()) {
            if (line.startsWith("-A ") && line.endsWith("--comment " + prefix + " -j ACCEPT")) {
                List<String> del = new ArrayList<>(List.of("iptables", "-D"));
                del.addAll(List.of(line.substring(3).split(" ")));
                run(del.toArray(String[]::new));
            }
        }
    }

    /** A prefix no other engine on this machine uses: "t" and four random letters or digits. */
    public static String newPrefix() {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder("t");
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 4; i++) {
            b.append(chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }

    private static Processes.Result run(String... cmd) throws IOException, InterruptedException {
        return Processes.run(List.of(cmd), Duration.ofSeconds(30));
    }
}
