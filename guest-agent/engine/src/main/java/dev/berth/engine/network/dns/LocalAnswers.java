package dev.berth.engine.network.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers from the {@link NameTable}, with Docker's rules ({@code libnetwork/resolver.go}): a known name gets
 * its IPv4 addresses in random order for A; for any other type (AAAA, MX, TXT …) it gets NOERROR with no
 * answers, so clients neither wait for IPv6 nor learn from an upstream NXDOMAIN that the name does not
 * exist. PTR queries for addresses the table knows get its name. Everything else is not ours: {@code null},
 * and the query is forwarded.
 */
final class LocalAnswers {
    /**
     * Seconds clients may cache our answers. Docker says 600; containers are recreated with new addresses
     * within seconds (compose up after a change), and the few clients that cache (nginx's resolver, JVMs,
     * a dnsmasq in a container) would then talk to a dead address for ten minutes. Podman's aardvark-dns
     * uses 60 for that reason; answers come from memory on the same host, so re-asking costs nothing.
     */
    static final int TTL = 60;
    private static final String REVERSE_V4 = ".in-addr.arpa";

    private final String networkId;
    private final NameTable names;

    LocalAnswers(String networkId, NameTable names) {
        this.networkId = networkId;
        this.names = names;
    }

    /** The reply to {@code query} (which has exactly one question), at most {@code limit} bytes; or null. */
    byte[] answer(DnsMessage query, int limit) {
        DnsMessage.Question q = query.question;
        String name = q.name().toLowerCase(Locale.ROOT);
        if (q.qclass() != DnsMessage.CLASS_IN || name.isEmpty() || name.indexOf('\\') >= 0) {
            return null; // CHAOS and friends, the root, names with bytes no container name has
        }
        if (q.type() == DnsMessage.TYPE_PTR && name.endsWith(REVERSE_V4)) {
            return reverse(query, name, limit);
        }
        List<Inet4Address> found = names.lookup(networkId, name);
        if (found == null || found.isEmpty()) {
            return null;
        }
        DnsReply reply = DnsReply.to(query, DnsMessage.NOERROR, limit);
        if (q.type() == DnsMessage.TYPE_A || q.type() == DnsMessage.TYPE_ANY) {
            List<Inet4Address> shuffled = new ArrayList<>(new LinkedHashSet<>(found));
            Collections.shuffle(shuffled); // poor man's load balancing over replicas sharing an alias
            for (Inet4Address address : shuffled) {
                if (!reply.addA(address, TTL)) {
                    break;
                }
            }
        }
        return reply.finish();
    }

    private byte[] reverse(DnsMessage query, String name, int limit) {
        Inet4Address address = parseReverse(name.substring(0, name.length() - REVERSE_V4.length()));
        if (address == null) {
            return null; // a zone such as 18.172.in-addr.arpa, or not an address at all
        }
        Optional<String> target = names.reverse(networkId, address);
        if (target == null || target.isEmpty() || !DnsWriter.encodable(target.get())) {
            return null;
        }
        DnsReply reply = DnsReply.to(query, DnsMessage.NOERROR, limit);
        reply.addPtr(target.get(), TTL);
        return reply.finish();
    }

    /** "5.0.18.172" (the labels before in-addr.arpa) to 172.18.0.5; null unless exactly four octets. */
    static Inet4Address parseReverse(String labels) {
        String[] octets = labels.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = octets[i];
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(octet);
            if (value > 255) {
                return null;
            }
            address[3 - i] = (byte) value;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are an IPv4 address", e);
        }
    }
}
