package dev.berth.engine.network.ports;

import dev.berth.engine.os.Errno;
import dev.berth.engine.os.ErrnoException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.Splice;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP side of a published port: one listening socket (a descriptor of our own, so {@link TcpRelay} can
 * splice it), an accept loop on its own platform thread, and the live connections, so that closing stops
 * them too, as docker-proxy exiting does.
 */
final class TcpProxy implements Relay {
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
    private static final int BACKLOG = 4096; // the kernel caps it at net.core.somaxconn
    private static final long ACCEPT_STOP_MILLIS = 2000;

    private final int listenFd;
    private final InetSocketAddress local;
    private final InetSocketAddress target;
    private final Duration connectTimeout;
    private final Set<TcpRelay> live = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final AtomicBoolean closing = new AtomicBoolean();

    private TcpProxy(int listenFd, InetSocketAddress local, InetSocketAddress target, Duration connectTimeout) {
        this.listenFd = listenFd;
        this.local = local;
        this.target = target;
        this.connectTimeout = connectTimeout;
        this.acceptor = RelayThreads.startAcceptor("port-accept " + local.getPort(), this::acceptLoop);
    }

    /**
     * Listens on hostIp:port ({@code dual}: on :: for IPv4 and IPv6 alike). EADDRINUSE becomes Docker's
     * {@link PortInUseException}; other bind failures an IOException with Docker's wording.
     */
    static TcpProxy bind(InetAddress hostIp, boolean dual, int port, InetSocketAddress target, Duration connectTimeout)
            throws IOException {
        InetAddress bindIp = dual ? Families.ANY6 : hostIp;
        int fd = Splice.tcpSocket(Families.family(bindIp), !dual);
        try {
            Splice.listen(fd, new InetSocketAddress(bindIp, port), BACKLOG);
            InetSocketAddress local = Splice.localAddress(fd);
            return new TcpProxy(fd, local, target, connectTimeout);
        } catch (ErrnoException e) {
            Linux.close(fd);
            throw bindError(e, hostIp, dual, port);
        }
    }

    private static IOException bindError(ErrnoException e, InetAddress hostIp, boolean dual, int port) {
        InetAddress named = Families.clashing(hostIp, dual, port, Protocol.TCP);
        if (e.is(Splice.EADDRINUSE)) {
            return PortInUseException.bindFailed(named, port, Protocol.TCP);
        }
        return new IOException(PortInUseException.bindFailure(named, port, Protocol.TCP, Families.strerror(e.errno())), e);
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    private void acceptLoop() {
        while (!closing.get()) {
            int client;
            try {
                client = Splice.accept(listenFd);
            } catch (ErrnoException e) {
                if (closing.get() || !acceptFailed(e)) {
                    return;
                }
                continue;
            }
            if (closing.get()) {
                Linux.close(client);
                return;
            }
            TcpRelay relay = new TcpRelay(client, target, connectTimeout, live::remove);
            live.add(relay);
            try {
                RelayThreads.run(relay::run);
            } catch (RejectedExecutionException | OutOfMemoryError e) {
                // no thread for it (the machine is out of them): drop this connection, keep listening
                log.warn("tcp/{}: cannot relay a connection: {}", local, e.toString());
                relay.abortUnstarted();
            }
        }
    }

    /**
     * Whether to go on accepting. Out of descriptors (EMFILE/ENFILE) or memory the pending connection stays
     * queued, so back off a little instead of spinning; EINVAL means the listener is gone.
     */
    private boolean acceptFailed(ErrnoException e) {
        log.warn("tcp/{}: accept failed: {}", local, e.getMessage());
        if (e.is(Errno.EINVAL)) {
            return false;
        }
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException ie) {
            return false;
        }
    }

    /**
     * Stops accepting (shutdown wakes the blocked accept), then closes every live connection. The listening
     * descriptor is closed only once the accept loop has left it, so its number cannot be reused under it.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Splice.shutdown(listenFd, Splice.SHUT_RDWR);
        if (joinAcceptor()) {
            Linux.close(listenFd);
        }
        for (TcpRelay r : List.copyOf(live)) {
            r.abort();
        }
    }

    private boolean joinAcceptor() {
        try {
            if (acceptor.join(Duration.ofMillis(ACCEPT_STOP_MILLIS))) {
                return true;
            }
            log.warn("tcp/{}: accept loop did not stop; leaving its socket open", local);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Connections being relayed now (tests check that none outlive the proxy). */
    int liveConnections() {
        return live.size();
    }
}
