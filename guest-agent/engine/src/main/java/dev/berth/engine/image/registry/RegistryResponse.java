package dev.berth.engine.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * The final response to one request, after redirects and the auth retry. The body is a live stream over the
 * connection: whoever holds the response closes it.
 *
 * @param status  the HTTP status
 * @param uri     where the response came from (after redirects): relative Locations resolve against it
 * @param headers the response headers
 * @param body    the response body
 */
record RegistryResponse(int status, URI uri, HttpHeaders headers, InputStream body) implements AutoCloseable {
    /** Error and token documents are small; reading more would only let a server waste our memory. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** -1 when absent or not a number. */
    long contentLength() {
        return headers.firstValueAsLong("Content-Length").orElse(-1L);
    }

    /**
     * Reads at most {@code limit + 1} bytes, so a caller can tell "exactly at the limit" from "over it"
     * without the server ever making us buffer more.
     */
    byte[] readAtMost(int limit) throws IOException {
        return body.readNBytes(limit + 1);
    }

    /** The error document, bounded, or an empty array when it cannot be read: only ever used for messages. */
    byte[] errorBody() {
        try {
            return body.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        } finally {
            close();
        }
    }

    /** Closing early is normal (a HEAD, an error, a refused manifest); there is nothing to report then. */
    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }
}
