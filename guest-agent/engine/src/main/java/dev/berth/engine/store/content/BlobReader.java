package dev.berth.engine.store.content;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Read access to committed blobs. A committed blob is complete and verified; there is no partial state. */
public interface BlobReader {
    Optional<BlobInfo> info(Digest digest);

    /** @throws dev.berth.engine.errors.NotFoundException if the blob is not committed */
    InputStream open(Digest digest) throws IOException;

    /** Reads a small blob whole; refuses blobs larger than {@code maxSize}. */
    byte[] read(Digest digest, int maxSize) throws IOException;

    /** The blob's file, for zero-copy consumers (uploads). Read-only. */
    Path path(Digest digest);
}
