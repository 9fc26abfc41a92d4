package dev.berth.engine.network.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the host's resolver on a loopback address, UDP and TCP on one port: answers with whatever
 * {@link Behaviour} says, or stays silent (null). Counts what it received, per transport.
 */
final class FakeUpstream implements AutoCloseable {
    /** The reply to {@code query}, which came over TCP if {@code tcp}; null to say nothing. */
    interface Behaviour {
        byte[] reply(DnsMessage query, boolean tcp);
    }

    final AtomicInteger udpQueries = new AtomicInteger();
    final AtomicInteger tcpQueries = new AtomicInteger();
    final ConcurrentLinkedQueue<Integer> ids = new ConcurrentLinkedQueue<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Behaviour behaviour;

    FakeUpstream(String address, Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        InetAddress host = InetAddress.ofLiteral(address);
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int attempt = 0; t == null; attempt++) {
            u = new DatagramSocket(new InetSocketAddress(host, 0));
            try {
                t = new ServerSocket();
                t.bind(new InetSocketAddress(host, u.getLocalPort()));
            } catch (IOException e) {
                u.close();
                t = null;
                if (attempt > 10) {
                    throw e;
                }
            }
        }
        udp = u;
        tcp = t;
        Thread.ofVirtual().start(this::serveUdp);
        Thread.ofVirtual().start(this::serveTcp);
    }

    /** Answers every A query with these addresses, everything else with NOERROR and no records. */
    static Behaviour answering(String... addresses) {
        return (q, tcp) -> reply(q, DnsMessage.NOERROR, false, addresses);
    }

    static Behaviour silent() {
        return (q, tcp) -> null;
    }

    static Behaviour rcode(int rcode) {
        return (q, tcp) -> reply(q, rcode, false);
    }

    /** A reply to {@code q}: same ID and question, QR RD RA, these A records (or TC and none if truncated). */
    static byte[] reply(DnsMessage q, int rcode, boolean truncated, String... addresses) {
        int flags = DnsMessage.FLAG_QR | DnsMessage.FLAG_RD | DnsMessage.FLAG_RA | rcode;
        DnsWriter w = new DnsWriter().u16(q.id).u16(truncated ? flags | DnsMessage.FLAG_TC : flags)
                .u16(1).u16(truncated ? 0 : addresses.length).u16(0).u16(0);
        w.bytes(q.bytes, DnsMessage.HEADER_SIZE, q.questionEnd - DnsMessage.HEADER_SIZE);
        if (!truncated) {
            for (String a : addresses) {
                w.u16(0xc00c).u16(DnsMessage.TYPE_A).u16(DnsMessage.CLASS_IN).u32(300).u16(4);
                byte[] ip = InetAddress.ofLiteral(a).getAddress();
                w.bytes(ip, 0, 4);
            }
        }
        return w.toBytes();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    Upstreams upstreams() {
        return Upstreams.of(List.of(address()));
    }

    private void serveUdp() {
        byte[] buf = new byte[65_535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udpQueries.incrementAndGet();
                DnsMessage q = DnsMessage.parse(Arrays.copyOf(buf, p.getLength()));
                ids.add(q.id);
                byte[] r = behaviour.reply(q, false);
                if (r != null) {
                    udp.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                }
            } catch (IOException | DnsMessage.FormatException e) {
                // closed, or a test sent garbage on purpose
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        DnsMessage q = DnsMessage.parse(Wire.readFrame(s.getInputStream()));
                        tcpQueries.incrementAndGet();
                        ids.add(q.id);
                        byte[] r = behaviour.reply(q, true);
                        if (r != null) {
                            s.getOutputStream().write(Wire.frame(r));
                        } else {
                            s.getInputStream().read(); // silent: hold the connection until the server gives up
                        }
                    } catch (IOException | DnsMessage.FormatException e) {
                        // the server gave up on us
                    }
                });
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // gone anyway
        }
    }
}
