package dev.berth.testkit.registry;

import dev.berth.testkit.registry.HttpWire.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The proxy's forwarding half: sends a client's request to the upstream registry with java.net.http and writes
 * the answer back to the client's socket, applying a body fault on the way.
 */
final class Upstream implements AutoCloseable {
    /** Per-connection headers, and those the proxy sets itself (Host, Content-Length). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");
    private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");
    private static final int CHUNK = 16 * 1024;

    /** What was written to the client; {@code reusable} is false when the connection must be dropped. */
    record Outcome(int status, long bytesSent, boolean reusable) {}

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final String origin;
    private final String proxyOrigin;

    Upstream(String origin, String proxyOrigin) {
        this.origin = origin;
        this.proxyOrigin = proxyOrigin;
    }

    Outcome forward(Request req, Fault.Action action, OutputStream out) throws IOException, InterruptedException {
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(request(req, action instanceof Fault.IgnoreRange),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | IllegalArgumentException e) {
            byte[] msg = ("proxy could not reach upstream " + origin + req.target() + ": " + e + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            return canned(req, new Fault.Respond(502, "text/plain", msg, Map.of()), out);
        }
        try (InputStream body = resp.body()) {
            int status = resp.statusCode();
            List<Map.Entry<String, String>> headers = responseHeaders(resp);
            if (bodiless(req, status)) {
                // a HEAD answer keeps the upstream's Content-Length: it is the size of the blob asked about
                resp.headers().firstValue("Content-Length")
                        .ifPresent(v -> headers.add(Map.entry("Content-Length", v)));
                HttpWire.writeHead(out, status, headers);
                return new Outcome(status, 0, true);
            }
            OptionalLong declared = resp.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent()) {
                return relay(status, headers, body, declared.getAsLong(), action, out);
            }
            // chunked from upstream: buffer it, since the faults are defined against a known length
            byte[] all = body.readAllBytes();
            return relay(status, headers, new ByteArrayInputStream(all), all.length, action, out);
        }
    }

    /** A fault's canned answer; the upstream is not involved. */
    static Outcome canned(Request req, Fault.Respond r, OutputStream out) throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (r.contentType() != null) {
            headers.add(Map.entry("Content-Type", r.contentType()));
        }
        r.headers().forEach((k, v) -> headers.add(Map.entry(k, v)));
        // a Content-Length given by the test may lie about the body; then the connection cannot be reused
        boolean ownLength = r.headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Length"));
        if (!ownLength) {
            headers.add(Map.entry("Content-Length", Integer.toString(r.body().length)));
        }
        HttpWire.writeHead(out, r.status(), headers);
        boolean head = req.method().equalsIgnoreCase("HEAD");
        // copied in chunks like relayed bodies, so the tail stays buffered until the exchange is logged
        long sent = head ? 0 : copy(new ByteArrayInputStream(r.body()), out, r.body().length, -1);
        return new Outcome(r.status(), sent, !ownLength && sent == (head ? 0 : r.body().length));
    }

    private Outcome relay(int status, List<Map.Entry<String, String>> headers, InputStream body, long length,
                          Fault.Action action, OutputStream out) throws IOException {
        long declared = action instanceof Fault.Truncate ? length / 2 : length;
        long limit = action instanceof Fault.CutAfter c ? (long) Math.floor(length * c.fraction()) : declared;
        long flipAt = action instanceof Fault.CorruptBody && length > 0 ? length / 2 : -1;
        headers.add(Map.entry("Content-Length", Long.toString(declared)));
        HttpWire.writeHead(out, status, headers);
        long sent = copy(body, out, limit, flipAt);
        return new Outcome(status, sent, sent == declared && !(action instanceof Fault.CutAfter));
    }

    /** Copies up to {@code limit} bytes, inverting the byte at offset {@code flipAt} (if not negative). */
    private static long copy(InputStream in, OutputStream out, long limit, long flipAt) {
        byte[] buf = new byte[CHUNK];
        long sent = 0;
        try {
            while (sent < limit) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, limit - sent));
                if (n < 0) {
                    break;
                }
                if (flipAt >= sent && flipAt < sent + n) {
                    buf[(int) (flipAt - sent)] ^= (byte) 0xff;
                }
                out.write(buf, 0, n);
                sent += n;
            }
        } catch (IOException brokenSide) {
            // upstream or client broke mid-body: the log shows how far it got and the connection is dropped
        }
        return sent;
    }

    private HttpRequest request(Request req, boolean dropRange) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin + req.target()));
        for (Map.Entry<String, String> h : req.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || (dropRange && (name.equals("range") || name.equals("if-range")))) {
                continue;
            }
            try {
                b.header(h.getKey(), h.getValue());
            } catch (IllegalArgumentException restricted) {
                // a header java.net.http insists on setting itself; it sets it correctly
            }
        }
        boolean hasBody = req.body().length > 0 || METHODS_WITH_BODY.contains(req.method().toUpperCase(Locale.ROOT));
        return b.method(req.method(), hasBody ? HttpRequest.BodyPublishers.ofByteArray(req.body())
                : HttpRequest.BodyPublishers.noBody()).build();
    }

    private List<Map.Entry<String, String>> responseHeaders(HttpResponse<?> resp) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        resp.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || lower.startsWith(":")) {
                return;
            }
            for (String v : values) {
                headers.add(Map.entry(canonical(name), lower.equals("location") ? rewriteLocation(v) : v));
            }
        });
        return headers;
    }

    /** Upload URLs and redirects to the upstream must lead the client back through the proxy. */
    String rewriteLocation(String location) {
        if (!location.startsWith(origin)) {
            return location;
        }
        String rest = location.substring(origin.length());
        // "http://127.0.0.1:5000" is also a prefix of "http://127.0.0.1:50001/..."
        return rest.isEmpty() || rest.startsWith("/") || rest.startsWith("?") ? proxyOrigin + rest : location;
    }

    /**
     * java.net.http hands header names over in lower case; registries (Go) send them as "Docker-Content-Digest",
     * and a test reading the raw bytes should see what a real registry sends.
     */
    static String canonical(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return sb.toString();
    }

    /** Stops the HTTP client's threads; requests still in flight fail, their clients are gone anyway. */
    @Override
    public void close() {
        http.shutdownNow();
    }

    private static boolean bodiless(Request req, int status) {
        return req.method().equalsIgnoreCase("HEAD") || status / 100 == 1 || status == 204 || status == 304;
    }
}
