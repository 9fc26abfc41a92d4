package dev.berth.engine.network.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded DNS server of one container network, modelled on Docker's ({@code libnetwork/resolver.go})
 * but listening on the network's gateway address instead of 127.0.0.11 in every container. Names the
 * {@link NameTable} knows are answered here ({@link LocalAnswers}); the rest go to the {@link Upstreams}
 * ({@link Forwarder}). UDP and TCP on the same port; queries answered from the table are answered on the
 * receiving thread, forwarded ones each on a virtual thread, at most {@link #MAX_FORWARDING} at a time
 * (beyond that: REFUSED at once, as Docker does after its wait), so a dead upstream cannot pile up threads
 * or sockets. Malformed packets get FORMERR when their header is readable and are dropped otherwise.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    static final int MAX_FORWARDING = 256;
    static final int UDP_RECEIVE_BUFFER = 1 << 20;

    private final InetSocketAddress address;
    private final String self;
    private final DatagramSocket udp;
    private final LocalAnswers local;
    private final Forwarder forwarder;
    private final int maxForwarding;
    private final Semaphore forwarding;
    private final Workers workers = new Workers();
    private final TcpFrontend tcpFrontend;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final WarnThrottle throttle = new WarnThrottle();
    private final Thread udpLoop;
    private final Thread tcpLoop;

    /** What to do with one query. */
    private sealed interface Outcome {
        record Reply(byte[] bytes) implements Outcome {}

        record Drop() implements Outcome {}

        record Forward(DnsMessage query, int limit) implements Outcome {}
    }

    private DnsServer(DatagramSocket udp, ServerSocket tcp, String networkId, NameTable names, Upstreams upstreams,
            int maxForwarding) {
        this.udp = udp;
        this.address = (InetSocketAddress) udp.getLocalSocketAddress();
        this.self = text(address);
        this.local = new LocalAnswers(networkId, names);
        this.forwarder = new Forwarder(self, upstreams.without(address));
        this.maxForwarding = maxForwarding;
        this.forwarding = new Semaphore(maxForwarding);
        this.tcpFrontend = new TcpFrontend(tcp, self, this::answerTcp, workers);
        this.udpLoop = Thread.ofVirtual().name("dns-udp " + self).start(this::serveUdp);
        this.tcpLoop = Thread.ofVirtual().name("dns-tcp " + self).start(tcpFrontend::acceptLoop);
    }

    /**
     * Binds UDP and TCP on address:port and serves network {@code networkId}; throws a clear IOException
     * (naming the address) if either bind fails.
     */
    public static DnsServer start(InetSocketAddress listen, String networkId, NameTable names, Upstreams upstreams)
            throws IOException {
        return start(listen, networkId, names, upstreams, MAX_FORWARDING);
    }

    static DnsServer start(InetSocketAddress listen, String networkId, NameTable names, Upstreams upstreams,
            int maxForwarding) throws IOException {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(upstreams, "upstreams");
        if (listen.isUnresolved()) {
            throw new IOException("cannot serve dns on " + listen + ": not an ip address");
        }
        // Port 0 (tests): the kernel picks the UDP port, and TCP must get the same one; retry if it is taken.
        for (int attempt = 1; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(null); // SO_REUSEADDR stays off: a second server must fail
            try {
                udp.bind(listen);
            } catch (IOException e) {
                udp.close();
                throw new IOException("cannot listen for dns on udp " + text(listen) + ": " + e.getMessage(), e);
            }
            InetSocketAddress bound = (InetSocketAddress) udp.getLocalSocketAddress();
            // room for a burst (every container of a compose project starting at once); the kernel caps it
            udp.setReceiveBufferSize(UDP_RECEIVE_BUFFER);
            ServerSocket tcp = new ServerSocket();
            try {
                tcp.setReuseAddress(true); // rebinding right after close() despite connections in TIME_WAIT
                tcp.bind(bound, TcpFrontend.MAX_CONNECTIONS);
            } catch (IOException e) {
                tcp.close();
                udp.close();
                if (listen.getPort() == 0 && attempt < 10) {
                    continue;
                }
                throw new IOException("cannot listen for dns on tcp " + text(bound) + ": " + e.getMessage(), e);
            }
            DnsServer server = new DnsServer(udp, tcp, networkId, names, upstreams, maxForwarding);
            log.info("dns for network {} listening on {} (udp and tcp), upstreams {}", networkId, server.self,
                    upstreams);
            return server;
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    private void serveUdp() {
        byte[] buf = new byte[DnsMessage.MAX_TCP_MESSAGE];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed.get()) {
            try {
                packet.setLength(buf.length);
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed.get()) {
                    log.warn("dns {}: udp receive failed: {}", self, e.toString());
                    pause();
                }
                continue;
            }
            SocketAddress client = packet.getSocketAddress();
            if (packet.getPort() == 0) {
                continue; // nobody to answer
            }
            switch (decide(Arrays.copyOf(buf, packet.getLength()), false)) {
                case Outcome.Reply r -> sendUdp(r.bytes(), client);
                case Outcome.Drop _ -> { }
                case Outcome.Forward f -> {
                    if (!forwarding.tryAcquire()) {
                        sendUdp(refuse(f), client);
                    } else if (!workers.start("dns-forward " + self, () -> {
                        try {
                            sendUdp(forwarder.forward(f.query(), false, f.limit()), client);
                        } finally {
                            forwarding.release();
                        }
                    })) {
                        forwarding.release();
                    }
                }
            }
        }
    }

    private void sendUdp(byte[] reply, SocketAddress client) {
        try {
            udp.send(new DatagramPacket(reply, reply.length, client));
        } catch (IOException e) {
            if (!closed.get()) {
                log.debug("dns {}: cannot answer {}: {}", self, client, e.toString());
            }
        }
    }

    /** The reply to a query that came over TCP, forwarding on the calling thread; null: close the connection. */
    private byte[] answerTcp(byte[] packet) {
        return switch (decide(packet, true)) {
            case Outcome.Reply r -> r.bytes();
            case Outcome.Drop _ -> null;
            case Outcome.Forward f -> {
                if (!forwarding.tryAcquire()) {
                    yield refuse(f);
                }
                try {
                    yield forwarder.forward(f.query(), true, f.limit());
                } finally {
                    forwarding.release();
                }
            }
        };
    }

    /** Parses and checks a query, and answers it from the table if it can. Never throws. */
    private Outcome decide(byte[] packet, boolean overTcp) {
        DnsMessage query;
        try {
            query = DnsMessage.parse(packet);
        } catch (DnsMessage.FormatException e) {
            log.debug("dns {}: malformed query: {}", self, e.getMessage());
            boolean isQuery = packet.length >= DnsMessage.HEADER_SIZE && (packet[2] & 0x80) == 0;
            return isQuery ? new Outcome.Reply(DnsReply.headerOnly(packet, DnsMessage.FORMERR)) : new Outcome.Drop();
        }
        if (query.isResponse()) {
            return new Outcome.Drop(); // never answer an answer: that is how two servers ping-pong forever
        }
        int limit = overTcp ? DnsMessage.MAX_TCP_MESSAGE : query.udpLimit();
        if (query.opcode() != 0) {
            return new Outcome.Reply(DnsReply.error(query, DnsMessage.NOTIMP, limit));
        }
        if (query.questionCount != 1) {
            return new Outcome.Reply(DnsReply.error(query, DnsMessage.FORMERR, limit));
        }
        if (query.edns != null && query.edns.version() != 0) {
            return new Outcome.Reply(DnsReply.error(query, DnsMessage.BADVERS, limit)); // RFC 6891 §6.1.3
        }
        try {
            byte[] answer = local.answer(query, limit);
            return answer != null ? new Outcome.Reply(answer) : new Outcome.Forward(query, limit);
        } catch (RuntimeException e) {
            warn("dns {}: name table failed on {}: {}", self, query.question.name(), e.toString());
            return new Outcome.Reply(DnsReply.error(query, DnsMessage.SERVFAIL, limit));
        }
    }

    private byte[] refuse(Outcome.Forward f) {
        warn("dns {}: more than {} queries being forwarded, refusing {}", self, maxForwarding,
                f.query().question.name());
        return DnsReply.error(f.query(), DnsMessage.REFUSED, f.limit());
    }

    /** Forwarded queries in flight (tests check the bound). */
    int forwardingInFlight() {
        return maxForwarding - forwarding.availablePermits();
    }

    /** Stops serving; idempotent; frees both sockets at once and interrupts queries still in progress. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        workers.close();
        udp.close();
        tcpFrontend.close();
        try {
            udpLoop.join(1000);
            tcpLoop.join(1000);
            workers.await(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("dns stopped listening on {}", self);
    }

    private void warn(String format, Object... args) {
        if (throttle.allow()) {
            log.warn(format, args);
        } else {
            log.debug(format, args);
        }
    }

    static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing is best effort; the socket is gone either way
        }
    }

    static String text(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
