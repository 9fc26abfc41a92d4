package dev.berth.engine.image.registry;

import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.image.Reference;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine's client for OCI distribution registries (pull, push, login). One instance serves the whole
 * engine: it keeps the per-registry state Docker keeps (the scheme of insecure registries, the last auth
 * challenge, bearer tokens until they expire) and hands out {@link RepositorySession}s.
 */
public final class RegistryClient implements AutoCloseable {
    /**
     * A body that sends nothing for this long is abandoned. Generous, because a slow link still delivers
     * some bytes every second; a stalled one delivers none and would otherwise hang a pull forever.
     */
    static final Duration BODY_IDLE_TIMEOUT = Duration.ofSeconds(60);
    private final RegistryConfig config;
    private final CredentialSource defaults;
    private final Transport transport;

    public RegistryClient(RegistryConfig config, CredentialSource defaults) {
        this(config, defaults, InstantSource.system(), BODY_IDLE_TIMEOUT);
    }

    RegistryClient(RegistryConfig config, CredentialSource defaults, InstantSource clock) {
        this(config, defaults, clock, BODY_IDLE_TIMEOUT);
    }

    /** With a clock and a stall timeout, so tests can see tokens expire and stalls fail fast. */
    RegistryClient(RegistryConfig config, CredentialSource defaults, InstantSource clock, Duration bodyIdleTimeout) {
        this.config = Objects.requireNonNull(config, "config");
        this.defaults = defaults == null ? CredentialSource.none() : defaults;
        this.transport = new Transport(config, clock, bodyIdleTimeout);
    }

    /**
     * A session for one repository. Explicit credentials (from X-Registry-Auth) win over the default
     * source, which is consulted only if the registry asks for credentials. {@code push} asks for
     * {@code pull,push} scope from the start, so one token serves the whole push.
     */
    public RepositorySession session(Reference ref, Credentials explicit, boolean push) {
        RegistryHost host = RegistryHost.of(ref.domain(), config);
        Supplier<Credentials> creds = explicit != null && !explicit.isEmpty() ? () -> explicit
                : memoize(() -> lookupDefaults(host));
        return new RepositorySession(transport, new Authenticator.Target(host, creds), ref, push);
    }

    /**
     * For {@code POST /auth} (docker login): checks the credentials against the registry's {@code /v2/}, by
     * Basic auth or the token flow, as dockerd does.
     *
     * @return the identity (refresh) token the token server issued, or null if it issued none
     * @throws UnauthorizedException with the registry's message if the credentials are refused
     */
    public String login(String serverAddress, Credentials credentials) {
        RegistryHost host = RegistryHost.forServerAddress(serverAddress, config);
        Credentials creds = credentials == null ? Credentials.none() : credentials;
        URI ping = transport.base(host).resolve("/v2/");
        LoginChallenge asked = challenge(host, ping);
        if (asked == null) {
            return null; // the registry wants no credentials: docker login succeeds against it too
        }
        AuthChallenge c = asked.challenge();
        if (c == null || (c.scheme().equals("basic") && !creds.hasPassword())) {
            throw new UnauthorizedException(asked.refusal());
        }
        if (c.scheme().equals("basic")) {
            confirm(host, ping, TokenClient.basic(creds), asked.refusal());
            return null;
        }
        TokenClient.Token token = transport.tokens().fetch(host.apiHost(), c, creds, List.of(), true);
        confirm(host, ping, "Bearer " + token.token(), asked.refusal());
        return token.refreshToken();
    }

    /** What a registry's /v2/ asked for; {@code challenge} is null when it sent none Berth can answer. */
    private record LoginChallenge(AuthChallenge challenge, String refusal) {}

    /** GET /v2/ anonymously: null if the registry is open, else its challenge and its refusal message. */
    private LoginChallenge challenge(RegistryHost host, URI ping) {
        String label = "registry " + host.apiHost();
        try (RegistryResponse r = transport.sender().send(HttpSender.Call.get(ping, Map.of()), null, Origin.of(ping),
                label)) {
            if (r.status() == 200) {
                return null;
            }
            if (r.status() != 401) {
                throw RegistryErrors.fail(r, host.apiHost(), "login", noV2(host));
            }
            List<String> challenges = r.headers().allValues("WWW-Authenticate");
            String message = RegistryErrors.message(r);
            return new LoginChallenge(Authenticator.choose(challenges),
                    message != null ? message : "unauthorized: incorrect username or password");
        }
    }

    /** GET /v2/ with the credentials' Authorization: 200 means the login is good. */
    private void confirm(RegistryHost host, URI ping, String authorization, String refusal) {
        try (RegistryResponse r = transport.sender().send(HttpSender.Call.get(ping, Map.of()), authorization,
                Origin.of(ping), "registry " + host.apiHost())) {
            if (r.status() == 401) {
                String m = RegistryErrors.message(r);
                throw new UnauthorizedException(m != null ? m : refusal);
            }
            if (r.status() != 200) {
                throw RegistryErrors.fail(r, host.apiHost(), "login", noV2(host));
            }
        }
    }

    private static Function<String, String> noV2(RegistryHost host) {
        return m -> "registry " + host.apiHost() + " has no /v2/ endpoint" + (m == null ? "" : ": " + m);
    }

    private Credentials lookupDefaults(RegistryHost host) {
        Credentials c = defaults.lookup(host.credentialKey());
        return c == null ? Credentials.none() : c;
    }

    /** The default source may run a credential helper: once per session is enough. */
    private static Supplier<Credentials> memoize(Supplier<Credentials> s) {
        return new Supplier<>() {
            private volatile Credentials value;

            @Override
            public Credentials get() {
                Credentials v = value;
                if (v == null) {
                    v = s.get();
                    value = v;
                }
                return v;
            }
        };
    }

    @Override
    public void close() {
        transport.close();
    }
}
