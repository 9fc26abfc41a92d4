package dev.berth.engine.network.firewall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Berth's packet filtering and NAT: outbound masquerading for each non-internal bridge, isolation between
 * bridges, and no way out of internal ones. One table that Berth owns (nftables), rewritten atomically from
 * the current networks whenever they change and at every engine start. Where another firewall's forward
 * policy drops by default (Docker leaves {@code FORWARD DROP} behind), Berth's bridges are let through by
 * {@link ForeignPolicy}.
 */
public final class Firewall {
    private static final Logger log = LoggerFactory.getLogger(Firewall.class);

    /** What the rules need to know about one bridge network. */
    public record Bridge(String name, String subnet, String gateway, boolean internal) {}

    private final Path nft;
    private final String prefix;

    private Firewall(Path nft, String prefix) {
        this.nft = nft;
        this.prefix = prefix;
    }

    /** The firewall of this machine ({@code nft} from Debian's nftables package) for an engine's prefix. */
    public static Firewall detect(String prefix) {
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            Path p = Path.of(d, "nft");
            if (Files.isExecutable(p)) {
                return new Firewall(p, prefix);
            }
        }
        return new Firewall(null, prefix);
    }

    /** Replaces Berth's rules with those for {@code bridges}, in one transaction. */
    public synchronized void apply(List<Bridge> bridges) throws IOException {
        if (nft == null) {
            throw new IOException("nftables is not installed (Debian package nftables; scripts/setup runtime "
                    + "installs it): containers cannot get outbound NAT or isolation without it");
        }
        Commands.run(List.of(nft.toString(), "-f", "-"), NftRules.render(prefix, prefix, bridges), "nft");
        ForeignPolicy.allow(prefix, bridges.isEmpty() ? List.of() : List.of(prefix + "+"));
        log.debug("firewall rules applied for {} bridges", bridges.size());
    }

    /** Removes every rule Berth added (uninstall, tests). */
    public synchronized void removeAll() throws IOException {
        if (nft != null) {
            Commands.run(List.of(nft.toString(), "-f", "-"), NftRules.delete(prefix), "nft");
        }
        ForeignPolicy.allow(prefix, List.of());
    }
}
