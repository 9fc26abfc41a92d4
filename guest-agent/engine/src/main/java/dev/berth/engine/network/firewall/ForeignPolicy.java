package dev.berth.engine.network.firewall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets Berth's bridges through another firewall's default-drop forward policy. Docker sets the iptables
 * FORWARD policy to DROP and leaves it after it stops; with br_netfilter loaded that drops even traffic
 * between two containers on one of Berth's bridges. An accept in Berth's own table cannot override a drop
 * in another table, so Berth adds two rules of its own, marked with its prefix as comment, into Docker's
 * DOCKER-USER chain (the chain Docker keeps for exactly this) or, without Docker, at the top of FORWARD.
 * Only rules carrying that comment are ever removed.
 */
final class ForeignPolicy {
    private ForeignPolicy() {}

    /**
     * Makes the accept rules carrying the comment {@code owner} match {@code patterns} (e.g. {@code berth+});
     * an empty list removes them.
     */
    static void allow(String owner, List<String> patterns) throws IOException {
        Path iptables = iptables();
        if (iptables == null) {
            return;
        }
        String rules = Commands.run(List.of(iptables.toString(), "-S"), "", "iptables");
        for (String line : rules.lines().toList()) {
            if (line.startsWith("-A ") && line.endsWith("--comment " + owner + " -j ACCEPT")) {
                // our own rules have no quoted words, so splitting on spaces gives back their arguments
                List<String> delete = new ArrayList<>(List.of(iptables.toString(), "-D"));
                delete.addAll(List.of(line.substring(3).split(" ")));
                Commands.run(delete, "", "iptables");
            }
        }
        if (patterns.isEmpty() || !dropsByDefault(rules)) {
            return;
        }
        String chain = rules.lines().anyMatch(l -> l.equals("-N DOCKER-USER")) ? "DOCKER-USER" : "FORWARD";
        for (String p : patterns) {
            Commands.run(List.of(iptables.toString(), "-I", chain, "-o", p, "-m", "conntrack", "--ctstate",
                    "RELATED,ESTABLISHED", "-m", "comment", "--comment", owner, "-j", "ACCEPT"), "", "iptables");
            Commands.run(List.of(iptables.toString(), "-I", chain, "-i", p, "-m", "comment", "--comment", owner,
                    "-j", "ACCEPT"), "", "iptables");
        }
    }

    static boolean dropsByDefault(String iptablesS) {
        return iptablesS.lines().anyMatch(l -> l.equals("-P FORWARD DROP"));
    }

    private static Path iptables() {
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            Path p = Path.of(d, "iptables");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
