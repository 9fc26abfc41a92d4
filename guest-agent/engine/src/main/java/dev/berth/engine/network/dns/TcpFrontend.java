package dev.berth.engine.network.dns;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message framed by a 2-byte length, queries on one
 * connection answered in sequence, one virtual thread per client, at most {@link #MAX_CONNECTIONS} clients,
 * each closed after {@link #IDLE_NANOS} of silence.
 */
final class TcpFrontend {
    private static final Logger log = LoggerFactory.getLogger(TcpFrontend.class);
    static final int MAX_CONNECTIONS = 64;
    /** How long a client may stay silent, before and within a message (RFC 7766 §6.2.3: seconds). */
    static final long IDLE_NANOS = 10_000_000_000L;

    private final ServerSocket server;
    private final String self;
    /** The reply to one query, or null to close the connection; may block while forwarding. */
    private final UnaryOperator<byte[]> answer;
    private final Workers workers;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final WarnThrottle throttle = new WarnThrottle();

    TcpFrontend(ServerSocket server, String self, UnaryOperator<byte[]> answer, Workers workers) {
        this.server = server;
        this.self = self;
        this.answer = answer;
        this.workers = workers;
    }

    void acceptLoop() {
        while (!workers.closed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!workers.closed()) {
                    log.warn("dns {}: tcp accept failed: {}", self, e.toString());
                    DnsServer.pause(); // out of file descriptors, say: do not spin
                }
                continue;
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                if (throttle.allow()) {
                    log.warn("dns {}: more than {} tcp clients, closing new ones", self, MAX_CONNECTIONS);
                }
                DnsServer.closeQuietly(client);
                continue;
            }
            connections.add(client);
            if (!workers.start("dns-tcp-client " + self, () -> serve(client))) {
                connections.remove(client);
                DnsServer.closeQuietly(client);
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (!workers.closed()) {
                long deadline = System.nanoTime() + IDLE_NANOS;
                int length = DnsMessage.u16(Forwarder.readFully(client, in, 2, deadline), 0);
                byte[] reply = answer.apply(Forwarder.readFully(client, in, length, deadline));
                if (reply == null) {
                    return; // a message we cannot even answer: the stream is out of step, close it
                }
                byte[] frame = new byte[reply.length + 2];
                DnsMessage.put16(frame, 0, reply.length);
                System.arraycopy(reply, 0, frame, 2, reply.length);
                out.write(frame);
            }
        } catch (EOFException | SocketTimeoutException e) {
            // the client is done, or was silent for too long
        } catch (IOException e) {
            if (!workers.closed()) {
                log.debug("dns {}: tcp client {}: {}", self, client.getRemoteSocketAddress(), e.toString());
            }
        } finally {
            connections.remove(client);
        }
    }

    /** Closes the listening socket and every client connection. */
    void close() {
        DnsServer.closeQuietly(server);
        connections.forEach(DnsServer::closeQuietly);
    }

    int connections() {
        return connections.size();
    }
}
