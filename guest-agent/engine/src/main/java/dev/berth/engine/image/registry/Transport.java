package dev.berth.engine.image.registry;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.errors.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to one registry with its scheme and auth worked out: the base URL (HTTPS, or HTTP where allowed
 * and needed), the Authorization for the request's scope, and one retry after a 401.
 */
final class Transport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    private final RegistryConfig config;
    private final HttpSender sender;
    private final TokenClient tokens;
    private final Authenticator auth;
    /** The scheme chosen per insecure registry, remembered like Docker does, so the probe runs once. */
    private final Map<String, URI> bases = new ConcurrentHashMap<>();

    Transport(RegistryConfig config, InstantSource clock, Duration bodyIdleTimeout) {
        this.config = config;
        this.sender = new HttpSender(config, bodyIdleTimeout);
        this.tokens = new TokenClient(sender);
        this.auth = new Authenticator(tokens, clock);
    }

    HttpSender sender() {
        return sender;
    }

    TokenClient tokens() {
        return tokens;
    }

    /**
     * {@code https://host} for ordinary registries. For loopback and user-listed ones: HTTPS if it answers,
     * else plain HTTP after a TLS or connection failure, probed once on {@code /v2/} and then remembered.
     */
    URI base(RegistryHost host) {
        URI https = URI.create("https://" + host.apiHost());
        if (!host.insecureAllowed()) {
            return https;
        }
        URI known = bases.get(host.apiHost());
        if (known != null) {
            return known;
        }
        URI http = URI.create("http://" + host.apiHost());
        URI chosen;
        try {
            probe(https);
            chosen = https;
        } catch (IOException tlsFailure) {
            try {
                probe(http);
                chosen = http;
                LOG.debug("registry {} speaks plain http (https failed: {})", host.apiHost(),
                        HttpSender.describe(tlsFailure));
            } catch (IOException e) {
                throw new UnavailableException("registry " + host.apiHost() + " unavailable: "
                        + HttpSender.describe(e) + " (https: " + HttpSender.describe(tlsFailure) + ")", e);
            }
        }
        URI previous = bases.putIfAbsent(host.apiHost(), chosen);
        return previous != null ? previous : chosen;
    }

    private void probe(URI base) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v2/")).GET().timeout(PROBE_TIMEOUT)
                .header("User-Agent", config.userAgent()).build();
        try {
            HttpResponse<InputStream> r = sender.sendOnce(request);
            r.body().close(); // any HTTP answer settles the scheme, whatever its status
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("interrupted while contacting registry " + base.getAuthority(), e);
        }
    }

    /**
     * Sends {@code call} to the registry of {@code target} with the Authorization for {@code scopes}. A 401
     * from the registry itself is answered once (a challenge from a redirect target never is: that host gets
     * no credentials); a second 401 is an {@link UnauthorizedException} with the registry's message.
     */
    RegistryResponse execute(Authenticator.Target target, HttpSender.Call call, List<String> scopes) {
        Origin registry = Origin.of(base(target.host()));
        String sent = auth.preemptive(target, scopes);
        RegistryResponse first = sender.send(call, sent, registry, target.label());
        if (first.status() != 401 || !Origin.of(first.uri()).equals(registry)) {
            return first;
        }
        List<String> challenges = first.headers().allValues("WWW-Authenticate");
        String message = RegistryErrors.message(first);
        String fresh = auth.answer(target, challenges, scopes, message, sent);
        RegistryResponse second = sender.send(call, fresh, registry, target.label());
        if (second.status() == 401 && Origin.of(second.uri()).equals(registry)) {
            String again = RegistryErrors.message(second);
            throw new UnauthorizedException(again != null ? again
                    : message != null ? message : "unauthorized: authentication required");
        }
        return second;
    }

    @Override
    public void close() {
        sender.close();
    }
}
