package dev.berth.engine.network.ports;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The userland proxy behind one published port ({@code docker run -p 8080:80}), as Docker's
 * {@code docker-proxy}: a socket bound on the host that relays to the container's address. TCP is relayed
 * per connection with splice(2), half-closes and resets passed on ({@link TcpProxy}); UDP per client flow
 * ({@link UdpProxy}). Binding 0.0.0.0 also binds :: when the host has IPv6 (one dual-stack socket), as
 * Docker binds both for {@code -p 8080:80}. A proxy that could not bind leaves nothing behind: no socket,
 * no reservation.
 */
public final class PortProxy implements AutoCloseable {
    /** Docker's retry budget when a chosen port turns out to be held by another program. */
    private static final int MAX_ATTEMPTS = 10;

    /**
     * Tuning, with docker-proxy's behaviour as the defaults: {@code unspecifiedIncludesIpv6} makes 0.0.0.0
     * also take :: (Docker does so for {@code -p 8080:80}, not for an explicit {@code -p 0.0.0.0:8080:80}).
     */
    public record Options(Duration connectTimeout, Duration udpIdleTimeout, int maxUdpFlows,
            boolean unspecifiedIncludesIpv6, HostPortAllocator allocator) {
        public static final Options DEFAULTS = new Options(
                Duration.ofSeconds(5), Duration.ofSeconds(90), 1024, true, HostPortAllocator.shared());

        public Options {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(udpIdleTimeout, "udpIdleTimeout");
            Objects.requireNonNull(allocator, "allocator");
            if (maxUdpFlows < 1) {
                throw new IllegalArgumentException("maxUdpFlows must be positive");
            }
        }

        public Options withConnectTimeout(Duration d) {
            return new Options(d, udpIdleTimeout, maxUdpFlows, unspecifiedIncludesIpv6, allocator);
        }

        public Options withUdpIdleTimeout(Duration d) {
            return new Options(connectTimeout, d, maxUdpFlows, unspecifiedIncludesIpv6, allocator);
        }

        public Options withMaxUdpFlows(int n) {
            return new Options(connectTimeout, udpIdleTimeout, n, unspecifiedIncludesIpv6, allocator);
        }

        public Options withUnspecifiedIncludesIpv6(boolean b) {
            return new Options(connectTimeout, udpIdleTimeout, maxUdpFlows, b, allocator);
        }

        public Options withAllocator(HostPortAllocator a) {
            return new Options(connectTimeout, udpIdleTimeout, maxUdpFlows, unspecifiedIncludesIpv6, a);
        }
    }

    private final Protocol protocol;
    private final List<InetAddress> claimed;
    private final Relay relay;
    private final InetSocketAddress bound;
    private final HostPortAllocator allocator;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PortProxy(Protocol protocol, List<InetAddress> claimed, Relay relay, InetAddress host,
            HostPortAllocator allocator) {
        this.protocol = protocol;
        this.claimed = claimed;
        this.relay = relay;
        this.bound = new InetSocketAddress(host, relay.local().getPort());
        this.allocator = allocator;
    }

    /**
     * Binds hostAddress:hostPort (hostPort 0 = pick a free one from the ephemeral range, same rules as
     * Docker's allocator) and relays to target. Throws {@link PortInUseException} with Docker's message when
     * the port is taken, by one of our bindings or by another program.
     */
    public static PortProxy start(Protocol p, InetSocketAddress host, InetSocketAddress target) throws IOException {
        return start(p, host, target, Options.DEFAULTS);
    }

    public static PortProxy start(Protocol p, InetSocketAddress host, InetSocketAddress target, Options options)
            throws IOException {
        int port = host.getPort();
        return startInRange(p, host.getAddress(), port, port, target, options);
    }

    /**
     * Binds the first free port of [first, last] on {@code hostIp} ({@code -p 8000-8010:80}); first == last
     * == 0 is a random port. Like Docker, a port some other program holds is skipped, up to ten times.
     */
    public static PortProxy startInRange(Protocol p, InetAddress hostIp, int first, int last,
            InetSocketAddress target, Options options) throws IOException {
        Objects.requireNonNull(p, "protocol");
        if (target.isUnresolved() || hostIp == null) {
            throw new IllegalArgumentException("host and target addresses must be resolved");
        }
        boolean dual = hostIp instanceof Inet4Address && hostIp.isAnyLocalAddress()
                && options.unspecifiedIncludesIpv6() && Families.ipv6Available();
        List<InetAddress> claim = dual ? List.of(hostIp, Families.ANY6) : List.of(hostIp);
        boolean fixed = first == last && first != 0;
        PortInUseException lastFailure = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int port = options.allocator().reserve(p, claim, first, last);
            try {
                Relay relay = bind(p, hostIp, dual, port, target, options);
                return new PortProxy(p, claim, relay, hostIp, options.allocator());
            } catch (PortInUseException e) {
                options.allocator().release(p, claim, port);
                if (fixed) {
                    throw e;
                }
                lastFailure = e;
            } catch (IOException | RuntimeException e) {
                options.allocator().release(p, claim, port);
                throw e;
            }
        }
        throw lastFailure;
    }

    private static Relay bind(Protocol p, InetAddress hostIp, boolean dual, int port, InetSocketAddress target,
            Options options) throws IOException {
        return switch (p) {
            case TCP -> TcpProxy.bind(hostIp, dual, port, target, options.connectTimeout());
            case UDP -> UdpProxy.bind(hostIp, dual, port, target, options);
        };
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The host address as asked for, with the real port. */
    public InetSocketAddress boundAddress() {
        return bound;
    }

    /**
     * Every address this proxy holds the port on: [0.0.0.0:p, [::]:p] for a dual-stack binding, so callers
     * can report both as Docker does in NetworkSettings.Ports.
     */
    public List<InetSocketAddress> boundAddresses() {
        return claimed.stream().map(a -> new InetSocketAddress(a, bound.getPort())).toList();
    }

    /** Stops listening at once and closes existing connections and flows (as docker-proxy exiting). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            relay.close();
            allocator.release(protocol, claimed, bound.getPort());
        }
    }

    /** The TCP or UDP relay behind this proxy (tests look at its connections and flows). */
    Relay relay() {
        return relay;
    }

    @Override
    public String toString() {
        return protocol.text() + " " + PortInUseException.hostPort(bound.getAddress(), bound.getPort());
    }
}
