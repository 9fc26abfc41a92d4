package dev.berth.engine.network.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where names the engine does not know are forwarded, tried in order. With none, forwarded queries are
 * answered SERVFAIL at once. Each server gets one attempt of {@link #attemptTimeout()}; all of them together
 * get {@link #totalTimeout()}, which stays below the 5 s a glibc client waits before it asks again, so a
 * client sees SERVFAIL rather than silence when every upstream is dead.
 */
public final class Upstreams {
    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);
    /** glibc reads at most three nameservers (MAXNS); Docker forwards to at most three as well. */
    static final int MAX_FROM_RESOLV_CONF = 3;
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(4);

    private final List<InetSocketAddress> servers;
    private final Duration attemptTimeout;
    private final Duration totalTimeout;

    private Upstreams(List<InetSocketAddress> servers, Duration attemptTimeout, Duration totalTimeout) {
        this.servers = List.copyOf(servers);
        this.attemptTimeout = attemptTimeout;
        this.totalTimeout = totalTimeout;
    }

    /**
     * The {@code nameserver} lines of a resolv.conf (port 53), the first three that are IP literals. Loopback
     * servers are kept: the engine runs on the host, so systemd-resolved's 127.0.0.53 is reachable from here.
     * An unreadable file or one without usable servers gives no upstreams (logged), never an exception.
     */
    public static Upstreams fromResolvConf(Path resolvConf) {
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            log.warn("cannot read {}: {}; names the engine does not know will get servfail", resolvConf, e.toString());
            return new Upstreams(List.of(), ATTEMPT_TIMEOUT, TOTAL_TIMEOUT);
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 2 || !words[0].equals("nameserver") || servers.size() == MAX_FROM_RESOLV_CONF) {
                continue;
            }
            InetAddress address = literal(words[1]);
            if (address == null) {
                log.warn("ignoring nameserver {} in {}: not an ip address", words[1], resolvConf);
            } else {
                servers.add(new InetSocketAddress(address, 53));
            }
        }
        if (servers.isEmpty()) {
            log.warn("no usable nameserver in {}; names the engine does not know will get servfail", resolvConf);
        }
        return new Upstreams(servers, ATTEMPT_TIMEOUT, TOTAL_TIMEOUT);
    }

    /** These servers, in this order. */
    public static Upstreams of(List<InetSocketAddress> servers) {
        for (InetSocketAddress s : servers) {
            if (Objects.requireNonNull(s, "upstream server").isUnresolved()) {
                throw new IllegalArgumentException("upstream dns server " + s + " is not an ip address");
            }
        }
        return new Upstreams(servers, ATTEMPT_TIMEOUT, TOTAL_TIMEOUT);
    }

    public List<InetSocketAddress> servers() {
        return servers;
    }

    Duration attemptTimeout() {
        return attemptTimeout;
    }

    Duration totalTimeout() {
        return totalTimeout;
    }

    /** The same servers with other timeouts (tests use short ones). */
    Upstreams withTimeouts(Duration attempt, Duration total) {
        return new Upstreams(servers, attempt, total);
    }

    /** Without {@code self}: a server never forwards to itself (Docker drops its own address too). */
    Upstreams without(InetSocketAddress self) {
        List<InetSocketAddress> others = servers.stream().filter(s -> !s.equals(self)).toList();
        if (others.size() < servers.size()) {
            log.info("dns {}: not using its own address as an upstream", DnsServer.text(self));
        }
        return new Upstreams(others, attemptTimeout, totalTimeout);
    }

    /** An IP literal (a line's "nameserver fe80::1%eth0" keeps its scope); null for anything else. */
    private static InetAddress literal(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return servers.isEmpty() ? "no upstream"
                : String.join(", ", servers.stream().map(DnsServer::text).toList());
    }
}
