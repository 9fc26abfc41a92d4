package dev.berth.engine.network.ports;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side of a published port, as docker-proxy's: each client address gets its own flow, a socket
 * connected to the container, so replies find their way back to the client that asked; flows idle for
 * {@code udpIdleTimeout} (90 s, Docker's conntrack timeout) expire, and at most {@code maxUdpFlows} exist
 * (the least recently active one gives way to a new client). Plain JDK channels on virtual threads: UDP
 * needs no splice, and a flow per client would be too many platform threads.
 *
 * <p>Not done, unlike docker-proxy: replies leave from the address the kernel picks for the route back,
 * not necessarily the one the client sent to (Docker reads it with IP_PKTINFO, which the JDK cannot); this
 * matters only on a host with several addresses on one network. And an explicit {@code ::} binding is
 * dual-stack here (the JDK does not expose IPV6_V6ONLY), so it also takes the port on IPv4.
 */
final class UdpProxy implements Relay {
    private static final Logger log = LoggerFactory.getLogger(UdpProxy.class);
    static final int MAX_DATAGRAM = 65535;

    private final DatagramChannel listener;
    private final InetSocketAddress local;
    private final InetSocketAddress target;
    private final Duration idleTimeout;
    private final int maxFlows;
    private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>(); // guarded by itself
    private final AtomicBoolean closed = new AtomicBoolean();

    private UdpProxy(DatagramChannel listener, InetSocketAddress target, PortProxy.Options options)
            throws IOException {
        this.listener = listener;
        this.local = (InetSocketAddress) listener.getLocalAddress();
        this.target = target;
        this.idleTimeout = options.udpIdleTimeout();
        this.maxFlows = options.maxUdpFlows();
        Thread.ofVirtual().name("udp-proxy " + local.getPort()).start(this::readLoop);
    }

    /** Binds hostIp:port ({@code dual}: :: for both families); a taken port gives Docker's error. */
    static UdpProxy bind(InetAddress hostIp, boolean dual, int port, InetSocketAddress target,
            PortProxy.Options options) throws IOException {
        InetAddress bindIp = dual ? Families.ANY6 : hostIp;
        DatagramChannel ch = DatagramChannel.open(
                bindIp instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            ch.bind(new InetSocketAddress(bindIp, port));
            return new UdpProxy(ch, target, options);
        } catch (BindException e) {
            ch.close();
            throw bindError(e, hostIp, dual, port);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The JDK gives no errno for a failed bind, only strerror's text in the message. */
    private static IOException bindError(BindException e, InetAddress hostIp, boolean dual, int port) {
        InetAddress named = Families.clashing(hostIp, dual, port, Protocol.UDP);
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (msg.contains("already in use")) {
            return PortInUseException.bindFailed(named, port, Protocol.UDP);
        }
        return new IOException(PortInUseException.bindFailure(named, port, Protocol.UDP, msg), e);
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        while (!closed.get()) {
            buf.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) listener.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.debug("udp/{}: receive failed: {}", local, e.toString());
                continue;
            }
            buf.flip();
            UdpFlow flow = flowFor(from);
            if (flow != null) {
                flow.toTarget(buf);
            }
        }
    }

    /** The client's flow, opened on its first datagram; null if no socket could be opened for it. */
    private UdpFlow flowFor(InetSocketAddress client) {
        UdpFlow evicted = null;
        UdpFlow flow;
        synchronized (flows) {
            flow = flows.get(client);
            if (flow != null || closed.get()) {
                return flow;
            }
            if (flows.size() >= maxFlows) {
                evicted = oldest();
                flows.remove(evicted.client());
            }
            try {
                flow = UdpFlow.open(client, target, this);
            } catch (IOException e) {
                log.debug("can't proxy a datagram to udp/{}: {}", target, e.toString());
                flow = null;
            }
            if (flow != null) {
                flows.put(client, flow);
                flow.start(idleTimeout);
            }
        }
        if (evicted != null) {
            evicted.close();
        }
        return flow;
    }

    private UdpFlow oldest() {
        UdpFlow min = null;
        for (UdpFlow f : flows.values()) {
            if (min == null || f.lastActive() - min.lastActive() < 0) {
                min = f;
            }
        }
        return min;
    }

    /** Sends a container's reply to the client of its flow, from the published port. */
    void reply(ByteBuffer datagram, InetSocketAddress client) throws IOException {
        listener.send(datagram, client);
    }

    /** A flow's reply loop ended (idle, evicted or closed): forget it, unless it was replaced already. */
    void ended(UdpFlow flow) {
        synchronized (flows) {
            flows.remove(flow.client(), flow);
        }
        flow.close();
    }

    /** Client flows open now (tests watch them expire). */
    int flowCount() {
        synchronized (flows) {
            return flows.size();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("udp/{}: close failed: {}", local, e.toString());
        }
        List<UdpFlow> all;
        synchronized (flows) {
            all = new ArrayList<>(flows.values());
            flows.clear();
        }
        all.forEach(UdpFlow::close);
    }
}
