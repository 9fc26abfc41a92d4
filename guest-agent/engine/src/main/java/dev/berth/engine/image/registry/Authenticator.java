package dev.berth.engine.image.registry;

import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Answers registry challenges. It remembers each registry's last challenge, so later requests carry the
 * right Authorization up front instead of paying a 401 round trip each, and it caches bearer tokens per
 * (registry, scope, credentials) until they expire. The credentials are part of the key because two docker
 * clients may pull through one engine with different logins: one's token must never serve the other.
 */
final class Authenticator {
    private static final int MAX_CACHED_TOKENS = 256;

    /** One registry with the credentials a session may use there; looked up only when a challenge needs them. */
    record Target(RegistryHost host, Supplier<Credentials> credentials) {
        String label() {
            return "registry " + host.apiHost();
        }
    }

    private record CacheKey(String apiHost, String scopes, String credentialId) {}

    private record CachedToken(String header, Instant expires) {}

    private final TokenClient tokens;
    private final InstantSource clock;
    private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
    private final Map<CacheKey, CachedToken> cache = new ConcurrentHashMap<>();

    Authenticator(TokenClient tokens, InstantSource clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The Authorization to send before the registry asks, from its last challenge; null if none is known. */
    String preemptive(Target t, List<String> scopes) {
        AuthChallenge c = challenges.get(t.host().apiHost());
        return c == null ? null : authorize(t, c, scopes, false);
    }

    /**
     * Answers a 401 with a fresh Authorization (a cached token is not trusted after a 401).
     *
     * @param headers  the WWW-Authenticate values of the 401
     * @param message  the registry's error message, for the error when the challenge cannot be met
     * @param sent     what the failed request carried (may be null): sending the same Basic again is pointless
     * @throws UnauthorizedException if no supported challenge can be answered with these credentials
     */
    String answer(Target t, List<String> headers, List<String> scopes, String message, String sent) {
        String msg = message != null ? message : "unauthorized: authentication required";
        AuthChallenge c = choose(headers);
        if (c == null) {
            throw new UnauthorizedException(msg);
        }
        challenges.put(t.host().apiHost(), c);
        String header = authorize(t, c, scopes, true);
        if (header == null || (header.equals(sent) && !c.scheme().equals("bearer"))) {
            throw new UnauthorizedException(msg);
        }
        return header;
    }

    /** Bearer (with a realm) is preferred over Basic, as Docker does; unknown schemes and bad headers are skipped. */
    static AuthChallenge choose(List<String> headers) {
        List<AuthChallenge> all = new ArrayList<>();
        for (String h : headers) {
            try {
                all.addAll(AuthChallenge.parse(h));
            } catch (IllegalArgumentException unparseable) {
                // other values may still be usable
            }
        }
        for (AuthChallenge c : all) {
            if (c.scheme().equals("bearer") && c.param("realm") != null) {
                return c;
            }
        }
        return all.stream().filter(c -> c.scheme().equals("basic")).findFirst().orElse(null);
    }

    private String authorize(Target t, AuthChallenge c, List<String> scopes, boolean fresh) {
        Credentials creds = t.credentials().get();
        if (c.scheme().equals("basic")) {
            return creds.hasPassword() ? TokenClient.basic(creds) : null;
        }
        if (creds.registryToken() != null) {
            return "Bearer " + creds.registryToken(); // a token the client already holds is used as is
        }
        CacheKey key = new CacheKey(t.host().apiHost(), String.join(" ", scopes), credentialId(creds));
        Instant now = clock.instant();
        CachedToken cached = fresh ? null : cache.get(key);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.header();
        }
        TokenClient.Token token = tokens.fetch(t.host().apiHost(), c, creds, scopes, false);
        String header = "Bearer " + token.token();
        remember(key, new CachedToken(header, now.plus(token.lifetime())), now);
        return header;
    }

    private void remember(CacheKey key, CachedToken token, Instant now) {
        if (cache.size() >= MAX_CACHED_TOKENS) {
            cache.values().removeIf(t -> !now.isBefore(t.expires()));
            if (cache.size() >= MAX_CACHED_TOKENS) {
                cache.clear();
            }
        }
        cache.put(key, token);
    }

    /** Identifies the credentials without keeping them in the key: a hash of all their fields. */
    private static String credentialId(Credentials c) {
        if (c.isEmpty()) {
            return "anonymous";
        }
        String all = c.username() + "\0" + c.password() + "\0" + c.identityToken() + "\0" + c.registryToken();
        return Digest.sha256(all.getBytes(StandardCharsets.UTF_8)).hex();
    }
}
