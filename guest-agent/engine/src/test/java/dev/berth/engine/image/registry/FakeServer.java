package dev.berth.engine.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A scriptable HTTP(S) server for the registry client's unit tests: routes by method and path, records every
 * request it handled (headers and body), and answers 404 to anything unrouted.
 */
final class FakeServer implements AutoCloseable {
    /** A request as the server saw it. */
    record Seen(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }

        /** Decoded query parameters; a repeated name keeps every value. */
        Map<String, List<String>> params() {
            return Forms.parse(query);
        }
    }

    /** An answer: status, headers, body (null for none). */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        static Reply of(int status) {
            return new Reply(status, Map.of(), null);
        }

        static Reply json(int status, String json) {
            return new Reply(status, Map.of("Content-Type", "application/json"),
                    json.getBytes(StandardCharsets.UTF_8));
        }

        static Reply bytes(int status, byte[] body) {
            return new Reply(status, Map.of(), body);
        }

        Reply with(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Reply(status, h, body);
        }
    }

    @FunctionalInterface
    interface Route {
        Reply answer(Seen request) throws IOException;
    }

    /** A route that writes the response itself, e.g. to stream an endless body. */
    @FunctionalInterface
    interface RawRoute {
        void handle(Seen request, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final TlsRefusingFront front;
    private final String scheme;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, RawRoute> routes = new ConcurrentHashMap<>();

    private FakeServer(HttpServer server, TlsRefusingFront front, String scheme) {
        this.server = server;
        this.front = front;
        this.scheme = scheme;
        server.createContext("/", this::dispatch);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    static FakeServer start() throws IOException {
        return start(InetAddress.getLoopbackAddress());
    }

    /**
     * A plain-HTTP server on {@code address}. It sits behind a front that hangs up on TLS handshakes at
     * once, as Go's server (docker-registry) answers them; the JDK's server would instead wait for a line
     * and make every HTTPS attempt cost the client its whole connect timeout.
     */
    static FakeServer start(InetAddress address) throws IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TlsRefusingFront front = new TlsRefusingFront(address, backend.getAddress().getPort());
        return new FakeServer(backend, front, "http");
    }

    static FakeServer startTls(InetAddress address, SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(address, 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new FakeServer(s, null, "https");
    }

    /** TLS handshakes that reached this (plain) server: the client tried HTTPS first. */
    int tlsAttempts() {
        return front == null ? 0 : front.tlsAttempts.get();
    }

    /** A non-loopback IPv4 address of this machine, to play a registry that is not on loopback. */
    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    FakeServer on(String method, String path, Route route) {
        return onRaw(method, path, (req, ex) -> send(ex, route.answer(req)));
    }

    FakeServer onRaw(String method, String path, RawRoute route) {
        routes.put(method + " " + path, route);
        return this;
    }

    /** {@code host:port}, as an image reference names the registry. */
    String hostPort() {
        InetSocketAddress a = front != null ? front.address() : server.getAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    URI uri(String path) {
        return URI.create(scheme + "://" + hostPort() + path);
    }

    List<Seen> seen(String method, String path) {
        return seen.stream().filter(s -> s.method().equals(method) && s.path().equals(path)).toList();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Seen req = new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
                    ex.getRequestURI().getRawQuery(), Map.copyOf(ex.getRequestHeaders()), body);
            seen.add(req);
            RawRoute route = routes.get(req.method() + " " + req.path());
            if (route == null) {
                send(ex, Reply.json(404, "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}]}"));
            } else {
                route.handle(req, ex);
            }
        }
    }

    static void send(HttpExchange ex, Reply reply) throws IOException {
        reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        boolean noBody = reply.body() == null || reply.body().length == 0 || ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
        if (!noBody) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    @Override
    public void close() {
        if (front != null) {
            front.close();
        }
        server.stop(0);
    }
}
