package dev.berth.engine.store.content;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Content-addressed blob storage (manifests, configs, compressed layers), after containerd's: a blob path
 * exists only if its content was fully written, flushed and verified. Composed of small interfaces so
 * consumers depend on what they use.
 */
public interface ContentStore extends BlobReader, Ingester {

    List<BlobInfo> list() throws IOException;

    /** Deletes a committed blob; missing blobs are not an error. */
    void delete(Digest digest) throws IOException;

    /** Removes ingests untouched for {@code age}: downloads nobody will resume. Returns how many. */
    int removeStaleIngests(Duration age) throws IOException;
}
