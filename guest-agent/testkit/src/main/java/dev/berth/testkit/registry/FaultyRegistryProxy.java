package dev.berth.testkit.registry;

import dev.berth.testkit.registry.HttpWire.MalformedRequestException;
import dev.berth.testkit.registry.HttpWire.Request;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 reverse proxy on 127.0.0.1 in front of a registry, which misbehaves on request. Clients (the
 * engine under test, the docker CLI) use {@link #host()} as the registry; every request is forwarded to the
 * upstream and its answer relayed, with Location headers rewritten to point back here, unless a {@link Fault}
 * programmed with {@link #on(String, String)} matches it. Every exchange is logged for assertions.
 *
 * <p>Built on raw sockets, not an HTTP server library, because faults such as "send half the body, then drop
 * the connection" need control of the exact bytes on the wire.
 */
public final class FaultyRegistryProxy implements AutoCloseable {
    private static final int IDLE_TIMEOUT_MILLIS = 120_000;
    private static final int BUFFER = 64 * 1024;

    /** One request as the proxy answered it. {@code bytesSent} counts body bytes written to the client. */
    public record Exchange(String method, String path, String query, String range, boolean authorization,
                           int status, long bytesSent, String fault) {}

    private final URI upstream;
    private final ServerSocket server;
    private final Upstream forwarder;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Exchange> log = new CopyOnWriteArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private FaultyRegistryProxy(URI upstream, ServerSocket server) {
        this.upstream = upstream;
        this.server = server;
        this.forwarder = new Upstream(origin(upstream), "http://" + host(server.getLocalPort()));
        this.acceptor = Thread.ofPlatform().name("faulty-proxy-accept-" + server.getLocalPort()).daemon()
                .unstarted(this::acceptLoop);
    }

    /** Starts a proxy for the registry at {@code upstream} (e.g. {@code RegistryFixture.baseUri()}). */
    public static FaultyRegistryProxy start(URI upstream) throws IOException {
        Objects.requireNonNull(upstream.getHost(), "upstream needs a host: " + upstream);
        ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        FaultyRegistryProxy proxy = new FaultyRegistryProxy(upstream, server);
        proxy.acceptor.start();
        return proxy;
    }

    /** {@code 127.0.0.1:port}: the registry part of an image reference that goes through the proxy. */
    public String host() {
        return host(port());
    }

    public int port() {
        return server.getLocalPort();
    }

    public URI baseUri() {
        return URI.create("http://" + host());
    }

    public URI upstream() {
        return upstream;
    }

    /**
     * Starts programming a fault for requests with this method ({@code "*"} for any) whose path, without the
     * query, fully matches {@code pathRegex}, e.g. {@code on("GET", "/v2/big/blobs/sha256:.*").once().cutAfter(0.5)}.
     * When several faults match, the earliest programmed one with uses left wins.
     */
    public Fault.Builder on(String method, String pathRegex) {
        return new Fault.Builder(method, pathRegex, faults::add);
    }

    /** Removes every fault: from now on the proxy is a faithful pass-through. */
    public void clearFaults() {
        faults.clear();
    }

    /** Every exchange so far, oldest first. */
    public List<Exchange> log() {
        return List.copyOf(log);
    }

    public void clearLog() {
        log.clear();
    }

    /** The exchanges with this method ({@code "*"} for any) whose path fully matches {@code pathRegex}. */
    public List<Exchange> requests(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return log.stream().filter(e -> Fault.matches(method, p, e.method(), e.path())).toList();
    }

    public int count(String method, String pathRegex) {
        return requests(method, pathRegex).size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        connections.forEach(FaultyRegistryProxy::closeQuietly);
        forwarder.close();
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.add(s);
                if (closed) { // close() may have swept the connections just before this one was added
                    closeQuietly(s);
                    return;
                }
                Thread.ofVirtual().name("faulty-proxy-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException("proxy on port " + port() + " stopped accepting", e);
                }
            }
        }
    }

    /** One client connection: requests one after another while the client keeps it alive. */
    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            while (!closed) {
                Request req;
                try {
                    req = HttpWire.read(in, out);
                } catch (MalformedRequestException e) {
                    // what a Go http server does too; a Go TLS client then reports "server gave HTTP response
                    // to HTTPS client", which is what makes dockerd fall back to plain http
                    byte[] msg = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
                    HttpWire.writeHead(out, 400, List.of(Map.entry("Content-Length", "" + msg.length),
                            Map.entry("Connection", "close")));
                    out.write(msg);
                    out.flush();
                    return;
                }
                if (req == null || !exchange(req, socket, out) || !req.keepAlive()) {
                    return;
                }
            }
        } catch (IOException clientGone) {
            // the client hung up, timed out while idle, or the proxy is closing: nobody to tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(socket);
        }
    }

    /** Answers one request; false when the connection must not be reused afterwards. */
    private boolean exchange(Request req, Socket socket, OutputStream out) throws IOException, InterruptedException {
        Fault fault = claimFault(req);
        Fault.Action action = fault == null ? null : fault.action();
        if (action instanceof Fault.Delay d) {
            Thread.sleep(d.delay());
        }
        Upstream.Outcome outcome = action instanceof Fault.Respond r
                ? Upstream.canned(req, r, out)
                : forwarder.forward(req, action, out);
        String faultName = fault == null ? null : action.getClass().getSimpleName();
        log.add(new Exchange(req.method(), req.path(), req.query(), req.header("Range").orElse(null),
                req.header("Authorization").isPresent(), outcome.status(), outcome.bytesSent(), faultName));
        // Only now does the tail of the response leave the buffer, so a client that has seen the whole
        // answer (or the cut) can rely on finding it in the log.
        out.flush();
        if (!outcome.reusable()) {
            socket.shutdownOutput();
            return false;
        }
        return true;
    }

    private Fault claimFault(Request req) {
        boolean hasRange = req.header("Range").isPresent();
        for (Fault f : faults) {
            if (f.claim(req.method(), req.path(), hasRange)) {
                return f;
            }
        }
        return null;
    }

    /** Scheme and authority as the upstream writes them into its own Location headers. */
    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String host(int port) {
        return "127.0.0.1:" + port;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
