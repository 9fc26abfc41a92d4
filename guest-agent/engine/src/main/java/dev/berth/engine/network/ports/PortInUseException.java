package dev.berth.engine.network.ports;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A host port that cannot be had, with the message Docker gives for the same case (moby's
 * {@code portallocator} and {@code osallocator_linux.go}), so clients and scripts that match on it keep
 * working. dockerd prefixes it with "driver failed programming external connectivity on endpoint ..."; that
 * prefix belongs to the caller, which knows the endpoint.
 */
public final class PortInUseException extends IOException {
    private final int port;

    private PortInUseException(String message, int port) {
        super(message);
        this.port = port;
    }

    /** Taken by another of our own bindings: "Bind for 0.0.0.0:8080 failed: port is already allocated". */
    public static PortInUseException allocated(InetAddress holder, int port) {
        // Go prints netip.Addr without brackets, so IPv6 reads "Bind for :::8080 failed"
        return new PortInUseException(
                "Bind for " + goText(holder) + ":" + port + " failed: port is already allocated", port);
    }

    /**
     * Taken by some other program (the kernel said EADDRINUSE):
     * "failed to bind host port 0.0.0.0:8080/tcp: address already in use".
     */
    public static PortInUseException bindFailed(InetAddress host, int port, Protocol protocol) {
        return new PortInUseException(bindFailure(host, port, protocol, "address already in use"), port);
    }

    /** Every port of a range (or of the ephemeral range) is ours already: Docker's "all ports are allocated". */
    public static PortInUseException allAllocated() {
        return new PortInUseException("all ports are allocated", 0);
    }

    /** The port asked for, or 0 when none was (random or range allocation). */
    public int port() {
        return port;
    }

    /** Docker's text for any failed bind of a host port; {@code reason} is the errno's strerror text. */
    static String bindFailure(InetAddress host, int port, Protocol protocol, String reason) {
        return "failed to bind host port " + hostPort(host, port) + "/" + protocol.text() + ": " + reason;
    }

    /** Go's netip.AddrPort text: "0.0.0.0:8080", "[::]:8080". */
    static String hostPort(InetAddress host, int port) {
        String ip = goText(host);
        return (host instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + port;
    }

    /** Go's netip.Addr text: IPv6 compressed as RFC 5952 says ("::", "::1", "fd00::2"), no zone. */
    static String goText(InetAddress a) {
        String full = a.getHostAddress().replaceFirst("%.*$", "");
        if (!(a instanceof Inet6Address)) {
            return full;
        }
        String[] groups = full.split(":");
        int bestAt = -1;
        int bestLen = 1; // a single zero group stays "0"
        for (int i = 0; i < groups.length; i++) {
            int len = 0;
            while (i + len < groups.length && groups[i + len].equals("0")) {
                len++;
            }
            if (len > bestLen) {
                bestAt = i;
                bestLen = len;
            }
        }
        if (bestAt < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestAt));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestAt + bestLen, groups.length));
        return head + "::" + tail;
    }
}
