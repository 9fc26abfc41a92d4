package dev.berth.engine.network.ports;

import java.net.InetSocketAddress;

/** One bound host socket and whatever relays its traffic: the TCP or UDP half of a {@link PortProxy}. */
interface Relay extends AutoCloseable {
    /** The bound address, with the port the kernel or the allocator chose. */
    InetSocketAddress local();

    /** Stops at once: no new connections or datagrams, existing ones closed. Idempotent. */
    @Override
    void close();
}
