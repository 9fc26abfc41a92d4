package dev.berth.engine.api;

import dev.berth.api.http.HttpHeaders;
import dev.berth.api.http.HttpLimits;
import dev.berth.engine.EngineVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine API server: accept loops on a unix socket and, only if configured, a loopback TCP port.
 * One virtual thread per connection; handlers block freely (JEP 491: no pinning on monitors).
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Router router;
    private final HttpLimits limits;
    private final List<ServerSocketChannel> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong connections = new AtomicLong();

    public ApiServer(Router router, HttpLimits limits) {
        this.router = router;
        this.limits = limits;
    }

    /**
     * Listens on a unix socket readable and writable by its owner only. The socket file is created inside
     * a directory we make owner-only first, so there is no window in which others can connect.
     *
     * @param owner uid:gid to hand the socket to (the human user when started through sudo), or null
     */
    public void listenUnix(Path socket, String owner) throws IOException {
        Path dir = Files.createDirectories(socket.getParent());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (owner != null) {
            UnixSockets.chown(dir, owner);
        }
        UnixSockets.removeStale(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        if (owner != null) {
            UnixSockets.chown(socket, owner);
        }
        start(server, "unix://" + socket);
    }

    /** Listens on TCP; loopback only, because the API is root on this machine and has no TLS here. */
    public void listenTcp(InetSocketAddress address) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IOException("refusing to serve the engine API on non-loopback address " + address);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(address);
        start(server, "tcp://" + address.getHostString() + ":" + address.getPort());
    }

    private void start(ServerSocketChannel server, String name) {
        listeners.add(server);
        Thread.ofVirtual().name("api-accept " + name).start(() -> acceptLoop(server));
        log.info("API listening on {}", name);
    }

    private void acceptLoop(ServerSocketChannel server) {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().name("api-conn-" + connections.incrementAndGet())
                        .start(new ApiConnection(ch, router, limits));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                log.warn("accept failed: {}", e.toString());
            }
        }
    }

    /** The headers dockerd puts on every response. */
    static HttpHeaders standardHeaders() {
        return new HttpHeaders()
                .add("Api-Version", ApiVersion.MAX.toString())
                .add("Docker-Experimental", "false")
                .add("Ostype", "linux")
                .add("Server", "Docker/" + EngineVersion.DOCKER_COMPAT + " (linux) Berth/" + EngineVersion.BERTH);
    }

    @Override
    public void close() {
        for (ServerSocketChannel s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("closing listener: {}", e.toString());
            }
        }
    }
}
