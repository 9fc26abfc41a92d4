package dev.berth.engine.network.dns;

import static dev.berth.engine.network.dns.DnsMessageTest.address;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/** Servers and fake upstreams on 127.0.53.x for one test, all closed at its end. */
final class Fixture implements AutoCloseable {
    static final String NETWORK = "3f2a9c";
    static final InetAddress SERVER_IP = InetAddress.ofLiteral("127.0.53.1");
    private final List<AutoCloseable> open = new ArrayList<>();

    /**
     * Docker's view of network "testnet" (id {@link #NETWORK}): db (two replicas behind one alias), web,
     * host.docker.internal, and names with many addresses; {@code <name>.testnet} works too, as in Docker.
     */
    static final class Names implements NameTable {
        private final Map<String, List<Inet4Address>> names = Map.of(
                "db", List.of(address("172.18.0.5"), address("172.18.0.6")),
                "web", List.of(address("172.18.0.7")),
                "host.docker.internal", List.of(address("172.18.0.1")),
                "many", IntStream.range(0, 100).mapToObj(i -> address("10.1.0." + i)).toList(),
                "huge", IntStream.range(0, 5000).mapToObj(i -> address("10.3." + i / 256 + "." + i % 256)).toList());

        @Override
        public List<Inet4Address> lookup(String networkId, String name) {
            if (!networkId.equals(NETWORK)) {
                return List.of();
            }
            String bare = name.endsWith(".testnet") ? name.substring(0, name.length() - 8) : name;
            if (bare.equals("boom")) {
                throw new IllegalStateException("table broke");
            }
            return names.getOrDefault(bare, List.of());
        }

        @Override
        public Optional<String> reverse(String networkId, Inet4Address a) {
            return a.equals(address("172.18.0.7")) ? Optional.of("web.testnet") : Optional.empty();
        }
    }

    <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    FakeUpstream upstream(String ip, FakeUpstream.Behaviour b) throws IOException {
        return keep(new FakeUpstream(ip, b));
    }

    /** A server for {@link #NETWORK} on 127.0.53.1 and a port the kernel picks. */
    DnsServer server(Upstreams upstreams) throws IOException {
        return keep(DnsServer.start(new InetSocketAddress(SERVER_IP, 0), NETWORK, new Names(), upstreams));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }
}
