package dev.berth.engine.network.dns;

import static dev.berth.engine.network.dns.Fixture.NETWORK;
import static dev.berth.engine.network.dns.Fixture.SERVER_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server survives: 200 concurrent clients, a dead upstream under load, malformed packets, and
 * closing and rebinding its ports.
 */
class DnsServerRobustnessTest {
    private final Fixture f = new Fixture();

    @AfterEach
    void closeAll() throws Exception {
        f.close();
    }

    @Test
    void twoHundredConcurrentQueries() throws Exception {
        FakeUpstream up = f.upstream("127.0.53.2", FakeUpstream.answering("5.6.7.8"));
        DnsServer s = f.server(up.upstreams());
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                Callable<List<String>> ask = () -> {
                    String name = id % 2 == 0 ? "web" : "host" + id + ".example";
                    byte[] q = Wire.query(id, name, 1);
                    DnsMessage r = id % 10 == 9 ? Wire.tcp(s.address(), q) : Wire.udp(s.address(), q);
                    assertEquals(id, r.id);
                    return Wire.data(r);
                };
                answers.add(pool.submit(ask));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(List.of(i % 2 == 0 ? "172.18.0.7" : "5.6.7.8"), answers.get(i).get());
            }
        }
        assertEquals(100, up.udpQueries.get() + up.tcpQueries.get());
    }

    @Test
    void deadUpstreamCannotPileUpThreadsOrSockets() throws Exception {
        FakeUpstream silent = f.upstream("127.0.53.2", FakeUpstream.silent());
        DnsServer s = f.keep(DnsServer.start(new InetSocketAddress(SERVER_IP, 0), NETWORK, new Fixture.Names(),
                silent.upstreams().withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800)), 8));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(SERVER_IP, 0))) {
            for (int i = 0; i < 100; i++) {
                byte[] q = Wire.query(i, "n" + i + ".example", 1);
                client.send(new DatagramPacket(q, q.length, s.address()));
            }
            client.setSoTimeout(400);
            int refused = 0;
            byte[] buf = new byte[512];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    client.receive(p);
                    refused += Wire.parse(Arrays.copyOf(buf, p.getLength())).rcode() == DnsMessage.REFUSED ? 1 : 0;
                }
            } catch (SocketTimeoutException done) {
                // all immediate answers are in
            }
            assertEquals(92, refused);
            assertEquals(8, s.forwardingInFlight());
            assertEquals(8, silent.udpQueries.get());
            // names the table knows are still answered at once
            long start = System.nanoTime();
            assertEquals(List.of("172.18.0.7"), Wire.data(Wire.udp(s.address(), Wire.query(500, "web", 1))));
            assertTrue(System.nanoTime() - start < 500_000_000L, "not behind the 800 ms the forwarded ones wait");
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (s.forwardingInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, s.forwardingInFlight());
    }

    @Test
    void malformedPacketsAreDroppedOrFormErrAndTheServerCarriesOn() throws Exception {
        DnsServer s = f.server(Upstreams.of(List.of()));
        assertNull(Wire.udpRaw(s.address(), new byte[] {1, 2, 3}, 200), "too short to answer");
        byte[] response = Wire.query(20, "db", 1);
        response[2] |= (byte) 0x80;
        assertNull(Wire.udpRaw(s.address(), response, 200), "answers are never answered");
        byte[] loop = {0, 21, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        DnsMessage formErr = Wire.parse(Wire.udpRaw(s.address(), loop, 2000));
        assertEquals(DnsMessage.FORMERR, formErr.rcode());
        assertEquals(21, formErr.id);
        byte[] two = Arrays.copyOf(Wire.query(27, "db", 1), 30);
        System.arraycopy(two, 12, two, 21, 8); // the same question once more
        two[5] = 2;
        DnsMessage twoQuestions = Wire.udp(s.address(), two);
        assertEquals(DnsMessage.FORMERR, twoQuestions.rcode());
        assertEquals(0, twoQuestions.questionCount);
        byte[] status = Wire.query(22, "db", 1);
        status[2] |= (byte) (2 << 3); // opcode STATUS
        assertEquals(DnsMessage.NOTIMP, Wire.udp(s.address(), status).rcode());
        byte[] v1 = Wire.query(23, "db", 1, 1232);
        v1[v1.length - 5] = 1;
        DnsMessage badVersion = Wire.udp(s.address(), v1);
        assertEquals(DnsMessage.BADVERS >> 4, badVersion.bytes[badVersion.length - 6]); // OPT's extended rcode
        assertEquals(DnsMessage.SERVFAIL, Wire.udp(s.address(), Wire.query(24, "boom", 1)).rcode());
        Random random = new Random(7);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(SERVER_IP, 0))) {
            for (int i = 0; i < 2000; i++) {
                byte[] junk = Wire.query(i, "db.example", 1, 1232);
                junk[2 + random.nextInt(junk.length - 2)] = (byte) random.nextInt(256);
                client.send(new DatagramPacket(junk, random.nextInt(junk.length + 1), s.address()));
            }
        }
        try (Socket tcp = new Socket()) {
            tcp.connect(s.address(), 2000);
            tcp.setSoTimeout(2000);
            tcp.getOutputStream().write(new byte[] {0, 5, 1, 2, 3, 4, 5}); // too short for a header
            assertEquals(-1, tcp.getInputStream().read(), "the server closes a stream it cannot follow");
        }
        // the flood may still fill the server's socket buffer: ask as a real client would, with retries
        assertEquals(List.of("172.18.0.7"), Wire.data(Wire.udpRetrying(s.address(), Wire.query(25, "web", 1))));
        assertEquals(List.of("172.18.0.7"), Wire.data(Wire.tcp(s.address(), Wire.query(26, "web", 1))));
    }

    @Test
    void closeFreesBothPortsAtOnceAndIsIdempotent() throws Exception {
        FakeUpstream silent = f.upstream("127.0.53.2", FakeUpstream.silent());
        DnsServer first = f.keep(DnsServer.start(new InetSocketAddress(SERVER_IP, 0), NETWORK, new Fixture.Names(),
                silent.upstreams().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10))));
        InetSocketAddress at = first.address();
        try (Socket idle = new Socket()) {
            idle.connect(at, 2000);
            assertEquals(List.of("172.18.0.7"), Wire.data(Wire.tcp(at, Wire.query(1, "web", 1))));
            Thread.ofVirtual().start(() -> {
                try {
                    Wire.udpRaw(at, Wire.query(2, "slow.example", 1), 5000);
                } catch (IOException e) {
                    // the server went away: expected
                }
            });
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (first.forwardingInFlight() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, first.forwardingInFlight());
            first.close();
            first.close();
            deadline = System.nanoTime() + 1_000_000_000L;
            while (first.forwardingInFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, first.forwardingInFlight(), "close interrupts forwarding in flight");
            DnsServer second = f.keep(DnsServer.start(at, NETWORK, new Fixture.Names(), Upstreams.of(List.of())));
            assertEquals(at, second.address());
            assertEquals(List.of("172.18.0.7"), Wire.data(Wire.udp(at, Wire.query(3, "web", 1))));
            assertEquals(List.of("172.18.0.7"), Wire.data(Wire.tcp(at, Wire.query(4, "web", 1))));
        }
    }

    @Test
    void bindFailuresNameTheAddressAndLeakNothing() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(SERVER_IP, 0))) {
            InetSocketAddress at = (InetSocketAddress) taken.getLocalSocketAddress();
            IOException e = assertThrows(IOException.class,
                    () -> DnsServer.start(at, NETWORK, new Fixture.Names(), Upstreams.of(List.of())));
            assertTrue(e.getMessage().startsWith("cannot listen for dns on udp 127.0.53.1:" + at.getPort()),
                    e.getMessage());
        }
        try (ServerSocket taken = new ServerSocket(0, 1, SERVER_IP)) {
            InetSocketAddress at = (InetSocketAddress) taken.getLocalSocketAddress();
            IOException e = assertThrows(IOException.class,
                    () -> DnsServer.start(at, NETWORK, new Fixture.Names(), Upstreams.of(List.of())));
            assertTrue(e.getMessage().startsWith("cannot listen for dns on tcp 127.0.53.1:" + at.getPort()),
                    e.getMessage());
            new DatagramSocket(at).close(); // the UDP half was given back
        }
    }
}
