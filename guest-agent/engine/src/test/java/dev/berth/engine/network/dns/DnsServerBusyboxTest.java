package dev.berth.engine.network.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.Processes;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client we did not write: busybox's nslookup (it takes the server as address:port) against the server. */
class DnsServerBusyboxTest {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    @Test
    void busyboxResolvesContainersAddressesAndForwardedNames() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs busybox (Debian busybox-static)");
        try (FakeUpstream up = new FakeUpstream("127.0.53.2", FakeUpstream.answering("93.184.216.34"));
                DnsServer s = DnsServer.start(new InetSocketAddress(Fixture.SERVER_IP, 0),
                        Fixture.NETWORK, new Fixture.Names(), up.upstreams())) {
            String server = DnsServer.text(s.address());
            String db = nslookup(server, "db");
            assertTrue(db.contains("172.18.0.5") && db.contains("172.18.0.6"), db);
            String ptr = nslookup(server, "172.18.0.7");
            assertTrue(ptr.contains("web.testnet"), ptr);
            String forwarded = nslookup(server, "example.com");
            assertTrue(forwarded.contains("93.184.216.34"), forwarded);
        }
    }

    private static String nslookup(String server, String name) throws Exception {
        List<String> command = List.of(BUSYBOX.toString(), "nslookup", name, server);
        Processes.Result r = Processes.run(command, Duration.ofSeconds(10));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        return r.stdout();
    }
}
