package dev.berth.engine.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers for socket files. */
final class UnixSockets {
    private UnixSockets() {}

    /**
     * Deletes a socket file left by an engine that died. If something still answers on it, another engine
     * is running and we must not steal its socket.
     */
    static void removeStale(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another engine is already listening on " + socket);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("another engine")) {
                throw e;
            }
            Files.deleteIfExists(socket);
        }
    }

    /** Gives a file to {@code uid:gid} (numeric), e.g. the user who ran {@code sudo berth engine start}. */
    static void chown(Path file, String owner) throws IOException {
        String[] parts = owner.split(":");
        try {
            Files.setAttribute(file, "unix:uid", Integer.parseInt(parts[0]));
            if (parts.length > 1) {
                Files.setAttribute(file, "unix:gid", Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            throw new IOException("socket owner must be numeric uid[:gid]: " + owner);
        }
    }
}
