package dev.berth.engine.network.dns;

import static dev.berth.engine.network.dns.DnsMessageTest.address;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.Processes;
import dev.berth.testkit.Requirements;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real topology: a "container" in its own network namespace, joined to the host by a veth pair; the
 * server on the host-side address, port 53; busybox's nslookup inside the namespace. Forwarded names go to
 * an upstream on the host's loopback, which only the engine (in the host namespace) can reach.
 */
class DnsServerNetnsIT {
    private final List<List<String>> cleanup = new ArrayList<>();

    @AfterEach
    void removeWhatWeMade() throws Exception {
        for (List<String> command : cleanup.reversed()) {
            Processes.run(command, Duration.ofSeconds(10)); // best effort: "not found" is fine
        }
    }

    @Test
    void containerResolvesNamesThroughTheGatewayAddress() throws Exception {
        Requirements.requireRoot();
        assumeTrue(Processes.which("ip").isPresent(), "needs iproute2");
        assumeTrue(Files.isExecutable(DnsServerBusyboxTest.BUSYBOX), "needs busybox (Debian busybox-static)");
        int octet = ThreadLocalRandom.current().nextInt(1, 250);
        String subnet = "10.213." + octet + ".";
        assumeTrue(!sh("ip", "-4", "route").contains(subnet), subnet + "0/24 is in use on this machine");
        String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        String ns = "berth-dns-" + tag;
        String hostSide = "bdns" + tag + "h";
        String gateway = subnet + "1";
        String container = subnet + "2";

        cleanup.add(List.of("ip", "netns", "delete", ns));
        cleanup.add(List.of("ip", "link", "delete", hostSide)); // first: gone with the namespace, normally
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "addr", "add", gateway + "/24", "dev", hostSide);
        sh("ip", "link", "set", hostSide, "up");
        sh("ip", "-n", ns, "addr", "add", container + "/24", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");

        NameTable table = new NameTable() {
            @Override
            public List<Inet4Address> lookup(String networkId, String name) {
                return name.equals("db") ? List.of(address(container)) : List.of();
            }

            @Override
            public Optional<String> reverse(String networkId, Inet4Address a) {
                return a.equals(address(container)) ? Optional.of("db.testnet") : Optional.empty();
            }
        };
        try (FakeUpstream up = new FakeUpstream("127.0.53.2", FakeUpstream.answering("93.184.216.34"));
                DnsServer s = DnsServer.start(new InetSocketAddress(address(gateway), 53), "net", table,
                        up.upstreams())) {
            String db = nslookupIn(ns, "db", gateway);
            assertTrue(db.contains("Address: " + container), db);
            String forwarded = nslookupIn(ns, "example.com", gateway);
            assertTrue(forwarded.contains("93.184.216.34"), forwarded);
            String ptr = nslookupIn(ns, container, gateway);
            assertTrue(ptr.contains("db.testnet"), ptr);
        }
    }

    private static String nslookupIn(String ns, String name, String server) throws Exception {
        return sh("ip", "netns", "exec", ns, DnsServerBusyboxTest.BUSYBOX.toString(), "nslookup", name, server);
    }

    private static String sh(String... command) throws Exception {
        return Processes.run(List.of(command), Duration.ofSeconds(10)).requireSuccess().stdout();
    }
}
