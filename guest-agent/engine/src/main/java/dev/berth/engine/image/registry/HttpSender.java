package dev.berth.engine.image.registry;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnavailableException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Sends requests and follows redirects itself. The JDK's own redirect handling forwards Authorization to
 * other hosts on some JDK releases (reliability-security.md §2.7), so the client runs with
 * {@code Redirect.NEVER} and this class decides, hop by hop, whether a credential goes along: only when the
 * hop's origin is the one the credential belongs to.
 */
final class HttpSender implements AutoCloseable {
    static final int MAX_REDIRECTS = 10;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** One logical request; {@code body} is called again for every hop that re-sends it. */
    record Call(String method, URI uri, Map<String, String> headers, IOSupplier<BodyPublisher> body,
                Duration timeout) {
        static Call get(URI uri, Map<String, String> headers) {
            return new Call("GET", uri, headers, null, Duration.ofMinutes(2));
        }
    }

    private final RegistryConfig config;
    private final Duration bodyIdleTimeout;
    private final HttpClient verified;
    private final HttpClient unverified;

    /** @param bodyIdleTimeout how long a response body may send nothing before the read fails */
    HttpSender(RegistryConfig config, Duration bodyIdleTimeout) {
        this.config = config;
        this.bodyIdleTimeout = bodyIdleTimeout;
        this.verified = builder(config).build();
        this.unverified = builder(config).sslContext(InsecureTls.context()).build();
    }

    private static HttpClient.Builder builder(RegistryConfig config) {
        // HTTP/1.1 on purpose: on plain http the JDK would otherwise attempt an h2c upgrade on every connection.
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout()).version(HttpClient.Version.HTTP_1_1);
    }

    /**
     * Sends {@code call}, following up to {@link #MAX_REDIRECTS} redirects. {@code authorization} (may be
     * null) is attached only to hops whose origin equals {@code authOrigin}.
     *
     * @param label names the server in errors: "registry 127.0.0.1:5000", "token server auth.docker.io"
     */
    RegistryResponse send(Call call, String authorization, Origin authOrigin, String label) {
        String method = call.method();
        IOSupplier<BodyPublisher> body = call.body();
        URI uri = call.uri();
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, publisher(body));
            call.headers().forEach(b::header);
            b.setHeader("User-Agent", config.userAgent());
            if (authorization != null && Origin.of(uri).equals(authOrigin)) {
                b.setHeader("Authorization", authorization);
            }
            if (call.timeout() != null) {
                b.timeout(call.timeout());
            }
            HttpResponse<InputStream> r = exchange(b.build(), label, hop == 0 ? null : uri);
            String location = r.headers().firstValue("Location").orElse(null);
            if (!REDIRECTS.contains(r.statusCode()) || location == null) {
                return new RegistryResponse(r.statusCode(), r.uri(), r.headers(), r.body());
            }
            new RegistryResponse(r.statusCode(), r.uri(), r.headers(), r.body()).close();
            if (hop == MAX_REDIRECTS) {
                throw new SystemException(label + ": more than " + MAX_REDIRECTS + " redirects for " + call.uri());
            }
            uri = resolveLocation(uri, location, label);
            if (r.statusCode() <= 303 && !method.equals("GET") && !method.equals("HEAD")) {
                method = "GET"; // as Go's client (and browsers) do: 301/302/303 turn a POST or PUT into a GET
                body = null;
            }
        }
    }

    /** A Location resolved against the request; only http(s) URLs without user info are followed. */
    static URI resolveLocation(URI base, String location, String label) {
        URI target;
        try {
            target = base.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new SystemException(label + " sent an invalid Location header");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null
                || target.getRawUserInfo() != null) {
            throw new SystemException(label + " sent an unusable Location: " + sanitize(location));
        }
        return target;
    }

    /** One exchange, no redirects; used directly by the scheme probe, which needs the raw I/O failure. */
    HttpResponse<InputStream> sendOnce(HttpRequest request) throws IOException, InterruptedException {
        return client(request.uri()).send(request, IdleTimeoutBody.handler(bodyIdleTimeout));
    }

    private HttpResponse<InputStream> exchange(HttpRequest request, String label, URI redirectedTo) {
        try {
            return sendOnce(request);
        } catch (IOException e) {
            String where = redirectedTo == null ? "" : "redirect to " + redirectedTo.getHost() + ": ";
            throw new UnavailableException(label + " unavailable: " + where + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("interrupted while waiting for " + label, e);
        } catch (IllegalArgumentException e) {
            throw new SystemException(label + ": cannot send request to " + request.uri() + ": " + e.getMessage(), e);
        }
    }

    /** Unverified TLS only where Docker would skip verification too: loopback and user-listed hosts. */
    private HttpClient client(URI uri) {
        String hostPort = Origin.of(uri).hostPort();
        boolean insecure = RegistryHost.isLoopback(hostPort) || config.isListedInsecure(hostPort);
        return insecure ? unverified : verified;
    }

    private static BodyPublisher publisher(IOSupplier<BodyPublisher> body) {
        if (body == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        try {
            return body.get();
        } catch (IOException e) {
            throw new SystemException("cannot read the content to upload: " + describe(e), e);
        }
    }

    /** A short cause for users, never a stack trace or a JDK class name when a plain word exists. */
    static String describe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "no such host";
            }
        }
        String msg = e.getMessage() == null || e.getMessage().isBlank() ? null : sanitize(e.getMessage());
        return switch (e) {
            case HttpConnectTimeoutException t -> "connection timed out";
            case HttpTimeoutException t -> "request timed out";
            case ConnectException t -> msg == null ? "connection refused" : lowerFirst(msg);
            case SSLException t -> "TLS handshake failed" + (msg == null ? "" : ": " + lowerFirst(msg));
            case EOFException t -> "connection closed unexpectedly";
            default -> msg == null ? e.getClass().getSimpleName() : lowerFirst(msg);
        };
    }

    /** Server-supplied text goes into user-visible errors: no control characters, bounded length. */
    static String sanitize(String text) {
        String s = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    @Override
    public void close() {
        verified.close();
        unverified.close();
    }
}
