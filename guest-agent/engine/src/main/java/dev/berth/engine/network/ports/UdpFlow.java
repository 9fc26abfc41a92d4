package dev.berth.engine.network.ports;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP client of a published port: a socket connected to the container (so the kernel filters replies
 * from anyone else), and a virtual thread that sends the container's replies back to this client until
 * the flow has been idle, in both directions, for the idle timeout.
 */
final class UdpFlow {
    private static final Logger log = LoggerFactory.getLogger(UdpFlow.class);

    private final InetSocketAddress client;
    private final DatagramChannel upstream;
    private final UdpProxy owner;
    private volatile long lastActive = System.nanoTime();

    private UdpFlow(InetSocketAddress client, DatagramChannel upstream, UdpProxy owner) {
        this.client = client;
        this.upstream = upstream;
        this.owner = owner;
    }

    static UdpFlow open(InetSocketAddress client, InetSocketAddress target, UdpProxy owner) throws IOException {
        DatagramChannel ch = DatagramChannel.open(target.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            ch.connect(target);
            return new UdpFlow(client, ch, owner);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    InetSocketAddress client() {
        return client;
    }

    long lastActive() {
        return lastActive;
    }

    void start(Duration idleTimeout) {
        Thread.ofVirtual().name("udp-flow " + client).start(() -> replyLoop(idleTimeout));
    }

    /**
     * Sends one client datagram on to the container. A refused earlier datagram (ICMP port unreachable:
     * nothing listens in the container yet) surfaces on this send; it is retried once, as docker-proxy
     * does, so the current datagram is not lost for it.
     */
    void toTarget(ByteBuffer datagram) {
        lastActive = System.nanoTime();
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                upstream.write(datagram.duplicate());
                return;
            } catch (PortUnreachableException e) {
                // the error belonged to an earlier datagram; try this one again
            } catch (ClosedChannelException e) {
                return; // expired or evicted between lookup and send: the datagram is dropped, as UDP may
            } catch (IOException e) {
                log.debug("can't proxy a datagram to udp/{}: {}", upstream, e.toString());
                return;
            }
        }
    }

    /** Replies → client until idle or closed; the timeout is re-armed to the time left before expiry. */
    private void replyLoop(Duration idleTimeout) {
        long idleNanos = idleTimeout.toNanos();
        byte[] buf = new byte[UdpProxy.MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            DatagramSocket socket = upstream.socket();
            while (true) {
                long left = idleNanos - (System.nanoTime() - lastActive);
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                try {
                    packet.setLength(buf.length);
                    socket.receive(packet);
                } catch (SocketTimeoutException | PortUnreachableException e) {
                    continue; // re-check idleness; a refused datagram is no reply but keeps the flow
                }
                lastActive = System.nanoTime();
                owner.reply(ByteBuffer.wrap(buf, 0, packet.getLength()), client);
            }
        } catch (IOException e) {
            // closed (proxy closed or flow evicted), or the published socket is gone
        } finally {
            owner.ended(this);
        }
    }

    void close() {
        try {
            upstream.close();
        } catch (IOException e) {
            log.debug("closing udp flow of {}: {}", client, e.toString());
        }
    }
}
