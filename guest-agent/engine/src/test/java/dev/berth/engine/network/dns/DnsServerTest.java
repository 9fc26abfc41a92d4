package dev.berth.engine.network.dns;

import static dev.berth.engine.network.dns.Fixture.NETWORK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server answers, on loopback addresses with a fake name table and fake upstreams, asked by a
 * real client ({@link Wire}) over real sockets: names from the table, Docker's rules for other types and
 * PTR, forwarding with the client's ID, upstream failover and timeouts, TCP fallback, size limits.
 */
class DnsServerTest {
    private final Fixture f = new Fixture();

    @AfterEach
    void closeAll() throws Exception {
        f.close();
    }

    @Test
    void knownNamesGetTheirAddressesWithTheClientsIdAndCase() throws Exception {
        FakeUpstream up = f.upstream("127.0.53.2", FakeUpstream.answering("9.9.9.9"));
        DnsServer s = f.server(up.upstreams());
        DnsMessage r = Wire.udp(s.address(), Wire.query(0xbeef, "Db", DnsMessage.TYPE_A));
        assertEquals(0xbeef, r.id);
        assertEquals(DnsMessage.NOERROR, r.rcode());
        assertEquals((DnsMessage.FLAG_QR | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA), r.flags);
        assertEquals("Db", r.question.name());
        assertEquals(Set.of("172.18.0.5", "172.18.0.6"), Set.copyOf(Wire.data(r)));
        assertTrue(Wire.answers(r).stream().allMatch(a -> a.ttl() == LocalAnswers.TTL && a.name().equals("Db")));
        // the forms containers send: with the network as domain, dotted names
        assertEquals(List.of("172.18.0.7"), Wire.data(Wire.udp(s.address(), Wire.query(2, "web.testnet", 1))));
        assertEquals(List.of("172.18.0.1"), Wire.data(Wire.udp(s.address(), Wire.query(3, "host.docker.internal", 1))));
        assertEquals(List.of("172.18.0.7"), Wire.data(Wire.tcp(s.address(), Wire.query(4, "WEB", 1))));
        assertEquals(0, up.udpQueries.get() + up.tcpQueries.get());
    }

    @Test
    void knownNamesGetNoErrorAndNoAnswersForOtherTypes() throws Exception {
        FakeUpstream up = f.upstream("127.0.53.2", FakeUpstream.answering("9.9.9.9"));
        DnsServer s = f.server(up.upstreams());
        for (int type : new int[] {DnsMessage.TYPE_AAAA, 15 /* MX */, 16 /* TXT */}) {
            DnsMessage r = Wire.udp(s.address(), Wire.query(5, "db", type));
            assertEquals(DnsMessage.NOERROR, r.rcode());
            assertEquals(0, r.answerCount);
        }
        assertEquals(0, up.udpQueries.get(), "known names never go upstream");
    }

    @Test
    void ptrForKnownAddressesOthersGoUpstream() throws Exception {
        FakeUpstream up = f.upstream("127.0.53.2", FakeUpstream.answering());
        DnsServer s = f.server(up.upstreams());
        DnsMessage r = Wire.udp(s.address(), Wire.query(6, "7.0.18.172.in-addr.arpa", DnsMessage.TYPE_PTR));
        assertEquals(List.of(new Wire.Rr("7.0.18.172.in-addr.arpa", DnsMessage.TYPE_PTR, LocalAnswers.TTL,
                "web.testnet")), Wire.answers(r));
        assertEquals(0, up.udpQueries.get());
        Wire.udp(s.address(), Wire.query(7, "9.0.18.172.in-addr.arpa", DnsMessage.TYPE_PTR));
        assertEquals(1, up.udpQueries.get());
    }

    @Test
    void unknownNamesAreForwardedAndTheClientsIdRestored() throws Exception {
        FakeUpstream up = f.upstream("127.0.53.2", FakeUpstream.answering("93.184.216.34"));
        DnsServer s = f.server(up.upstreams());
        DnsMessage r = Wire.udp(s.address(), Wire.query(0x1234, "Example.COM", DnsMessage.TYPE_A));
        assertEquals(0x1234, r.id);
        assertEquals("Example.COM", r.question.name());
        assertEquals(List.of("93.184.216.34"), Wire.data(r));
        assertEquals(1, up.udpQueries.get());
        assertEquals(0, up.tcpQueries.get());
        DnsMessage overTcp = Wire.tcp(s.address(), Wire.query(0x4321, "example.com", DnsMessage.TYPE_A));
        assertEquals(0x4321, overTcp.id);
        assertEquals(List.of("93.184.216.34"), Wire.data(overTcp));
        assertEquals(1, up.tcpQueries.get(), "a tcp client is forwarded over tcp");
    }

    @Test
    void failingUpstreamsAreSkipped() throws Exception {
        FakeUpstream refusing = f.upstream("127.0.53.2", FakeUpstream.rcode(DnsMessage.REFUSED));
        FakeUpstream failing = f.upstream("127.0.53.3", FakeUpstream.rcode(DnsMessage.SERVFAIL));
        FakeUpstream good = f.upstream("127.0.53.4", FakeUpstream.answering("1.2.3.4"));
        DnsServer s = f.server(Upstreams.of(List.of(refusing.address(), failing.address(), good.address())));
        assertEquals(List.of("1.2.3.4"), Wire.data(Wire.udp(s.address(), Wire.query(8, "x.example", 1))));
    }

    @Test
    void silentUpstreamTimesOutAndTheNextAnswers() throws Exception {
        FakeUpstream silent = f.upstream("127.0.53.2", FakeUpstream.silent());
        FakeUpstream good = f.upstream("127.0.53.3", FakeUpstream.answering("1.2.3.4"));
        DnsServer s = f.server(Upstreams.of(List.of(silent.address(), good.address()))
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(2)));
        long start = System.nanoTime();
        DnsMessage r = Wire.udp(s.address(), Wire.query(9, "x.example", 1));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of("1.2.3.4"), Wire.data(r));
        assertTrue(millis >= 290 && millis < 1500, "took " + millis + " ms");
        assertEquals(1, silent.udpQueries.get());
    }

    @Test
    void deadOrMissingUpstreamsGiveServfailNeverSilence() throws Exception {
        FakeUpstream silent = f.upstream("127.0.53.2", FakeUpstream.silent());
        DnsServer dead = f.server(silent.upstreams().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(400)));
        long start = System.nanoTime();
        assertEquals(DnsMessage.SERVFAIL, Wire.udp(dead.address(), Wire.query(10, "x.example", 1)).rcode());
        assertEquals(DnsMessage.SERVFAIL, Wire.tcp(dead.address(), Wire.query(11, "x.example", 1)).rcode());
        assertTrue(System.nanoTime() - start < 1_500_000_000L);

        DnsServer none = f.server(Upstreams.fromResolvConf(Path.of("/nonexistent/resolv.conf")));
        start = System.nanoTime();
        assertEquals(DnsMessage.SERVFAIL, Wire.udp(none.address(), Wire.query(12, "x.example", 1)).rcode());
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "at once, not after the 2 s attempt timeout");

        // a server listed as its own upstream would ask itself forever
        InetSocketAddress self = none.address();
        none.close();
        DnsServer loop = f.keep(DnsServer.start(self, NETWORK, new Fixture.Names(), Upstreams.of(List.of(self))));
        assertEquals(DnsMessage.SERVFAIL, Wire.udp(loop.address(), Wire.query(13, "x.example", 1)).rcode());
    }

    @Test
    void truncatedUpstreamAnswerIsFetchedOverTcpAndCutForTheClient() throws Exception {
        String[] forty = IntStream.range(0, 40).mapToObj(i -> "10.2.0." + i).toArray(String[]::new);
        FakeUpstream up = f.upstream("127.0.53.2", (q, tcp) -> FakeUpstream.reply(q, 0, !tcp, forty));
        DnsServer s = f.server(up.upstreams());
        DnsMessage big = Wire.udp(s.address(), Wire.query(14, "big.example", 1, 4096));
        assertFalse(big.truncated());
        assertEquals(40, big.answerCount);
        assertEquals(1, up.tcpQueries.get());

        byte[] classic = Wire.udpRaw(s.address(), Wire.query(15, "big.example", 1), 3000);
        assertTrue(classic.length <= 512, classic.length + " bytes");
        DnsMessage cut = Wire.parse(classic);
        assertTrue(cut.truncated());
        assertEquals((512 - 12 - 17) / 16, cut.answerCount); // header, question, 16-byte A records
        assertEquals(40, Wire.tcp(s.address(), Wire.query(16, "big.example", 1)).answerCount);
    }

    @Test
    void localAnswersRespectTheSizeTheClientAccepts() throws Exception {
        DnsServer s = f.server(Upstreams.of(List.of()));
        for (int size : new int[] {-1, 512, 1232}) {
            byte[] raw = Wire.udpRaw(s.address(), Wire.query(17, "many", 1, size), 3000);
            assertTrue(raw.length <= Math.max(512, size), size + ": " + raw.length);
            assertTrue(Wire.parse(raw).truncated());
        }
        DnsMessage all = Wire.udp(s.address(), Wire.query(18, "many", 1, 4096));
        assertFalse(all.truncated());
        assertEquals(100, all.answerCount);
        assertEquals(100, Wire.tcp(s.address(), Wire.query(19, "many", 1)).answerCount);
        DnsMessage huge = Wire.tcp(s.address(), Wire.query(20, "huge", 1));
        assertTrue(huge.truncated());
        assertEquals((65_535 - 12 - 10) / 16, huge.answerCount); // as many as a TCP message holds
    }

    @Test
    void tcpConnectionsCarrySeveralQueries() throws Exception {
        DnsServer s = f.server(Upstreams.of(List.of()));
        try (Socket tcp = new Socket()) {
            tcp.connect(s.address(), 2000);
            tcp.setSoTimeout(2000);
            var out = tcp.getOutputStream();
            out.write(Wire.frame(Wire.query(1, "web", 1)));
            out.write(Wire.frame(Wire.query(2, "db", DnsMessage.TYPE_AAAA)));
            assertEquals(List.of("172.18.0.7"), Wire.data(Wire.parse(Wire.readFrame(tcp.getInputStream()))));
            DnsMessage second = Wire.parse(Wire.readFrame(tcp.getInputStream()));
            assertEquals(2, second.id);
            assertEquals(0, second.answerCount);
        }
    }
}
