package dev.berth.engine.network.dns;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/**
 * Names the engine knows on one network: container names, aliases, short IDs, host.docker.internal …
 *
 * <p>The server passes each queried name whole, so the table decides which forms it knows. Docker answers
 * {@code <name>} and {@code <name>.<network name>} (its resolver treats the network name as a domain), so a
 * table that wants Docker's behaviour answers both; PTR names in Docker have the form
 * {@code <container name>.<network name>}. Both methods are called on the server's receive thread for every
 * query: they must be quick and must not block on I/O. Returning null is treated like returning empty; an
 * exception is answered with SERVFAIL.
 */
public interface NameTable {
    /** IPv4 addresses for {@code name} (lowercase, without trailing dot) as seen from network {@code networkId}; empty if unknown. */
    List<Inet4Address> lookup(String networkId, String name);

    /** The name for an address on that network, for PTR queries; empty if unknown. */
    Optional<String> reverse(String networkId, Inet4Address address);
}
