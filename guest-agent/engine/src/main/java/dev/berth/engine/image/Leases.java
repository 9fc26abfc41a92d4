package dev.berth.engine.image;

import dev.berth.oci.Digest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content that garbage collection must not touch although no image references it yet: the blobs and layers
 * of a pull in progress. (containerd's leases, in miniature.) A lease is released when its holder closes it.
 */
public final class Leases {
    private final Map<Digest, Integer> held = new ConcurrentHashMap<>();

    /** Leases {@code digests} (blob digests or diff IDs) until the returned handle is closed. */
    public Lease acquire(Collection<Digest> digests) {
        List<Digest> copy = List.copyOf(digests);
        copy.forEach(d -> held.merge(d, 1, Integer::sum));
        return new Lease(copy);
    }

    public boolean isLeased(Digest d) {
        return held.containsKey(d);
    }

    /** A set of leased digests; closing it releases them. */
    public final class Lease implements AutoCloseable {
        private final List<Digest> digests;
        private boolean closed;

        private Lease(List<Digest> digests) {
            this.digests = digests;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                digests.forEach(d -> held.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
            }
        }
    }
}
