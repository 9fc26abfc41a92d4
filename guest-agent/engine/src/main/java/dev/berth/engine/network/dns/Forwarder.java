package dev.berth.engine.network.dns;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a query to the upstreams in order, as Docker's {@code forwardExtDNS} does: over UDP (TCP if the
 * client came over TCP), on to the next upstream after a timeout, an error, SERVFAIL or REFUSED, and over TCP
 * to the same upstream when its UDP answer is truncated. Each exchange has its own socket (a fresh random
 * source port) and a random message ID; the client's ID is put back into the answer, which is cut to the
 * size the client accepts. Nothing here waits beyond the upstreams' total timeout.
 */
final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String self;
    private final Upstreams upstreams;
    private final WarnThrottle throttle = new WarnThrottle();

    Forwarder(String self, Upstreams upstreams) {
        this.self = self;
        this.upstreams = upstreams;
    }

    /** The answer for the client: an upstream's, or SERVFAIL when none answered usefully. */
    byte[] forward(DnsMessage query, boolean clientTcp, int limit) {
        long deadline = System.nanoTime() + upstreams.totalTimeout().toNanos();
        for (InetSocketAddress upstream : upstreams.servers()) {
            if (deadline - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
                break; // out of time, or the server is closing
            }
            DnsMessage answer = exchange(upstream, query, clientTcp, attemptDeadline(deadline));
            if (answer != null && !clientTcp && answer.truncated()) {
                DnsMessage full = exchange(upstream, query, true, attemptDeadline(deadline));
                answer = full != null ? full : answer; // a truncated answer beats none
            }
            if (answer == null) {
                continue;
            }
            if (answer.rcode() == DnsMessage.SERVFAIL || answer.rcode() == DnsMessage.REFUSED) {
                log.debug("dns {}: upstream {} answered rcode {}, trying the next", self, DnsServer.text(upstream),
                        answer.rcode());
                continue;
            }
            byte[] reply = answer.fit(limit);
            DnsMessage.put16(reply, 0, query.id);
            return reply;
        }
        String format = "dns {}: no upstream answered {} (tried {})";
        if (throttle.allow()) {
            log.warn(format, self, query.question.name(), upstreams);
        } else {
            log.debug(format, self, query.question.name(), upstreams);
        }
        return DnsReply.error(query, DnsMessage.SERVFAIL, limit);
    }

    private long attemptDeadline(long deadline) {
        long attemptEnd = System.nanoTime() + upstreams.attemptTimeout().toNanos();
        return deadline - attemptEnd < 0 ? deadline : attemptEnd;
    }

    /** One exchange with one upstream, or null on timeout, error or a reply that is not for this query. */
    private DnsMessage exchange(InetSocketAddress upstream, DnsMessage query, boolean tcp, long deadline) {
        String server = DnsServer.text(upstream);
        byte[] request = Arrays.copyOf(query.bytes, query.length);
        int id = RANDOM.nextInt(0x10000);
        DnsMessage.put16(request, 0, id);
        try {
            byte[] reply = tcp ? overTcp(upstream, request, deadline) : overUdp(upstream, request, id, query, deadline);
            if (reply == null) {
                log.debug("dns {}: upstream {} did not answer {} in time", self, server, query.question.name());
                return null;
            }
            DnsMessage answer = DnsMessage.parse(reply);
            if (!answers(answer, id, query)) {
                log.debug("dns {}: upstream {} answered another question over tcp", self, server);
                return null;
            }
            return answer;
        } catch (IOException | DnsMessage.FormatException e) {
            log.debug("dns {}: upstream {} over {}: {}", self, server, tcp ? "tcp" : "udp", e.toString());
            return null;
        }
    }

    private static byte[] overUdp(InetSocketAddress upstream, byte[] request, int id, DnsMessage query, long deadline)
            throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(upstream); // the kernel then drops datagrams from anyone else
            socket.send(new DatagramPacket(request, request.length));
            byte[] buf = new byte[DnsMessage.MAX_TCP_MESSAGE];
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            while (true) {
                int wait = millisUntil(deadline);
                if (wait <= 0) {
                    return null;
                }
                socket.setSoTimeout(wait);
                packet.setLength(buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                byte[] reply = Arrays.copyOf(buf, packet.getLength());
                try {
                    if (answers(DnsMessage.parse(reply), id, query)) {
                        return reply;
                    }
                } catch (DnsMessage.FormatException e) {
                    // garbage or a spoofing attempt: keep waiting for the real answer
                }
            }
        }
    }

    private static byte[] overTcp(InetSocketAddress upstream, byte[] request, long deadline) throws IOException {
        try (Socket socket = new Socket()) {
            int wait = millisUntil(deadline);
            if (wait <= 0) {
                return null;
            }
            try {
                socket.connect(upstream, wait);
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                byte[] frame = new byte[request.length + 2];
                DnsMessage.put16(frame, 0, request.length);
                System.arraycopy(request, 0, frame, 2, request.length);
                out.write(frame);
                InputStream in = socket.getInputStream();
                byte[] length = readFully(socket, in, 2, deadline);
                return readFully(socket, in, DnsMessage.u16(length, 0), deadline);
            } catch (SocketTimeoutException e) {
                return null;
            }
        }
    }

    /** Reads exactly {@code n} bytes, each read bounded by what is left until {@code deadline}. */
    static byte[] readFully(Socket socket, InputStream in, int n, long deadline) throws IOException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int wait = millisUntil(deadline);
            if (wait <= 0) {
                throw new SocketTimeoutException("no complete message before the deadline");
            }
            socket.setSoTimeout(wait);
            int r = in.read(b, got, n - got);
            if (r < 0) {
                throw new EOFException("connection closed after " + got + " of " + n + " bytes");
            }
            got += r;
        }
        return b;
    }

    /** Whether {@code reply} answers our question: a response with our ID and the same question. */
    private static boolean answers(DnsMessage reply, int id, DnsMessage query) {
        if (!reply.isResponse() || reply.id != id) {
            return false;
        }
        if (reply.question == null) {
            return reply.rcode() != DnsMessage.NOERROR; // some servers drop the question from errors
        }
        DnsMessage.Question q = query.question;
        return reply.question.type() == q.type() && reply.question.qclass() == q.qclass()
                && reply.question.name().equalsIgnoreCase(q.name());
    }

    private static int millisUntil(long deadline) {
        long nanos = deadline - System.nanoTime();
        return nanos <= 0 ? 0 : (int) Math.max(1, nanos / 1_000_000);
    }
}
