package dev.berth.engine.store.content;

import dev.berth.oci.Digest;
import java.io.IOException;

/**
 * Writing blobs. An ingest is named by a caller-chosen {@code ref}; opening the same ref again after a
 * failure (or an engine crash) resumes where it stopped. Only one writer per ref at a time.
 */
public interface Ingester {

    /**
     * Opens or resumes the ingest {@code ref} of a blob expected to have {@code expected} digest and
     * {@code expectedSize} bytes (-1 if unknown).
     *
     * @throws dev.berth.engine.errors.UnavailableException if another writer holds {@code ref}
     */
    IngestWriter writer(String ref, Digest expected, long expectedSize) throws IOException;
}
