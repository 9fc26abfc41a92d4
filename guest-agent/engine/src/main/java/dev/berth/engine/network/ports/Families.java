package dev.berth.engine.network.ports;

import dev.berth.engine.os.Errno;
import dev.berth.engine.os.Splice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;

/** Address-family facts the proxies need: whether this kernel has IPv6, and the unspecified addresses. */
final class Families {
    static final InetAddress ANY4 = address(new byte[4]);
    static final InetAddress ANY6 = address(new byte[16]);

    private static volatile Boolean ipv6;

    private Families() {}

    /**
     * Whether AF_INET6 sockets can be made (false when the kernel was booted with ipv6.disable=1 or the
     * JDK runs IPv4-only). Asked once: it cannot change while the engine runs.
     */
    static boolean ipv6Available() {
        Boolean b = ipv6;
        if (b == null) {
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6)) {
                b = ch.isOpen();
            } catch (IOException | UnsupportedOperationException e) {
                b = false;
            }
            ipv6 = b;
        }
        return b;
    }

    static int family(InetAddress a) {
        return a instanceof java.net.Inet4Address ? Splice.AF_INET : Splice.AF_INET6;
    }

    /**
     * Which address to name when a dual-stack bind of {@code port} failed: Docker binds 0.0.0.0 and ::
     * separately and names the one that failed, so probe whether IPv4 alone is free.
     */
    static InetAddress clashing(InetAddress hostIp, boolean dual, int port, Protocol protocol) {
        if (!dual) {
            return hostIp;
        }
        InetSocketAddress v4 = new InetSocketAddress(ANY4, port);
        try (NetworkChannel ch = protocol == Protocol.TCP
                ? ServerSocketChannel.open(StandardProtocolFamily.INET)
                : DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.bind(v4);
            return ANY6;
        } catch (IOException e) {
            return hostIp;
        }
    }

    /** strerror texts (as Go prints them in Docker's messages) for the errors a bind or connect can give. */
    static String strerror(int errno) {
        return switch (errno) {
            case Splice.EADDRINUSE -> "address already in use";
            case Splice.EADDRNOTAVAIL -> "cannot assign requested address";
            case Splice.EAFNOSUPPORT -> "address family not supported by protocol";
            case Splice.ECONNREFUSED -> "connection refused";
            case Splice.ETIMEDOUT -> "connection timed out";
            case 101 -> "network is unreachable";
            case 113 -> "no route to host";
            case Errno.EACCES -> "permission denied";
            default -> Errno.describe(errno);
        };
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
