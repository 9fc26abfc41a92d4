package dev.berth.engine.api;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Notices a client that goes away while a long response is pending ({@code wait}, {@code logs -f}), so the
 * handler stops instead of holding a thread and a socket until the container exits. It reads the
 * connection's input until end of stream, so the connection cannot carry another request afterwards and is
 * closed after the response (and the head says so, before it goes out).
 */
public final class ClientWatch {
    private ClientWatch() {}

    /** Completes when the client closes its side of the connection. */
    public static CompletableFuture<Void> watch(Request req, Response res) {
        res.closeConnection();
        // Said in the head, so that a client does not put the connection back in its pool: Go's transport
        // would send its next request on it (docker wait a b: the second wait) and fail with EOF, since a POST
        // is not retried.
        res.header("Connection", "close");
        CompletableFuture<Void> gone = new CompletableFuture<>();
        Thread.ofVirtual().name("client-watch").start(() -> {
            byte[] sink = new byte[512];
            try {
                req.body().transferTo(java.io.OutputStream.nullOutputStream());
                while (req.hijackedInput().read(sink) >= 0) {
                    // a client sends nothing more on such a request; anything that comes is ignored
                }
            } catch (IOException closed) {
                // the connection was closed under us: the response is over
            }
            gone.complete(null);
        });
        return gone;
    }
}
