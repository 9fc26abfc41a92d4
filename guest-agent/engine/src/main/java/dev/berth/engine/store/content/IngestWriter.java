package dev.berth.engine.store.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One in-progress blob. Lifecycle: write (from {@link #offset()} on) → {@link #commit()}, or
 * {@link #close()} to keep the partial data for a later resume, or {@link #abort()} to discard it.
 */
public interface IngestWriter extends AutoCloseable {

    /** Bytes already written: where a resumed download continues. */
    long offset();

    OutputStream stream();

    /** The bytes written so far, for a consumer that must see the whole blob from the start. */
    InputStream readWritten() throws IOException;

    /** Forgets what was written (the server ignored our Range request and sends from byte 0). */
    void reset() throws IOException;

    /**
     * Makes the blob visible: flush to disk, check size and digest, rename into place. If the blob is
     * already committed (another pull won), the ingest is dropped and the existing blob returned.
     *
     * @throws dev.berth.engine.errors.InvalidArgumentException on a size or digest mismatch; the ingest is
     *         discarded, since its content is wrong
     */
    BlobInfo commit() throws IOException;

    /** Discards the ingest. */
    void abort() throws IOException;

    /** Releases the writer, keeping partial data for a resume. Idempotent. */
    @Override
    void close() throws IOException;
}
