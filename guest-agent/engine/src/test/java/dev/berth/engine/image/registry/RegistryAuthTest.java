package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.OCI_MANIFEST;
import static dev.berth.engine.image.registry.RegistryTestSupport.UNAUTHORIZED_BODY;
import static dev.berth.engine.image.registry.RegistryTestSupport.basic;
import static dev.berth.engine.image.registry.RegistryTestSupport.bearerChallenge;
import static dev.berth.engine.image.registry.RegistryTestSupport.config;
import static dev.berth.engine.image.registry.RegistryTestSupport.guarded;
import static dev.berth.engine.image.registry.RegistryTestSupport.manifest;
import static dev.berth.engine.image.registry.RegistryTestSupport.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.image.registry.FakeServer.Reply;
import dev.berth.engine.image.registry.RegistryTestSupport.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token and basic auth flows of the registry client, against fake registries and token servers. */
class RegistryAuthTest {
    static final String MANIFEST_PATH = "/v2/app/manifests/latest";
    FakeServer registry;
    FakeServer tokens;
    MutableClock clock = new MutableClock();
    RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = FakeServer.start();
        tokens = FakeServer.start();
        client = new RegistryClient(config(), CredentialSource.none(), clock);
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
        tokens.close();
    }

    /** The registry accepts "Bearer <token>" only, and challenges with the token server's realm. */
    private void bearerRegistry(String token) {
        registry.on("GET", MANIFEST_PATH, guarded(("Bearer " + token)::equals, bearerChallenge(tokens), manifest(OCI_MANIFEST)));
    }

    private List<String> registryAuthorizations() {
        return registry.seen("GET", MANIFEST_PATH).stream().map(s -> s.header("Authorization")).toList();
    }

    @Test
    void anonymousBearerFlowAsksForPullScopeAndRetriesWithTheToken() {
        bearerRegistry("t-anon");
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"t-anon\",\"expires_in\":300}"));
        client.session(ref(registry, "app"), null, false).fetchManifest("latest");

        FakeServer.Seen tokenRequest = tokens.seen("GET", "/token").getFirst();
        assertEquals(List.of("repository:app:pull"), tokenRequest.params().get("scope"));
        assertEquals(List.of("fake-registry"), tokenRequest.params().get("service"));
        assertNull(tokenRequest.header("Authorization"));
        assertEquals(java.util.Arrays.asList(null, "Bearer t-anon"), registryAuthorizations());
    }

    @Test
    void basicCredentialsGoToTheRealmAndNeverToTheRegistry() {
        bearerRegistry("t-alice");
        tokens.on("GET", "/token", req -> basic("alice", "pw").equals(req.header("Authorization"))
                ? Reply.json(200, "{\"access_token\":\"t-alice\"}") : Reply.json(401, "{\"details\":\"bad\"}"));
        client.session(ref(registry, "app"), Credentials.basic("alice", "pw"), false).fetchManifest("latest");
        assertEquals(1, tokens.seen.size());
        assertTrue(registryAuthorizations().stream().noneMatch(a -> a != null && a.startsWith("Basic")),
                registryAuthorizations().toString());
    }

    @Test
    void pushSessionsAskForPullAndPush() {
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"t\"}"));
        registry.on("GET", "/v2/team/app/manifests/latest", guarded("Bearer t"::equals, bearerChallenge(tokens),
                manifest(OCI_MANIFEST)));
        client.session(ref(registry, "team/app"), null, true).fetchManifest("latest");
        assertEquals(List.of("repository:team/app:pull,push"), tokens.seen.getFirst().params().get("scope"));
    }

    @Test
    void anIdentityTokenIsExchangedByARefreshTokenPost() {
        bearerRegistry("t-id");
        tokens.on("POST", "/token", req -> {
            Map<String, List<String>> form = Forms.parse(new String(req.body(), java.nio.charset.StandardCharsets.UTF_8));
            boolean ok = "refresh_token".equals(Forms.first(form, "grant_type"))
                    && "refresh-1".equals(Forms.first(form, "refresh_token"))
                    && "repository:app:pull".equals(Forms.first(form, "scope"))
                    && "fake-registry".equals(Forms.first(form, "service"))
                    && req.header("Authorization") == null;
            return ok ? Reply.json(200, "{\"access_token\":\"t-id\",\"expires_in\":60}") : Reply.json(400, "{}");
        });
        client.session(ref(registry, "app"), new Credentials("alice", null, "refresh-1", null), false)
                .fetchManifest("latest");
        assertEquals(1, tokens.seen("POST", "/token").size());
        assertEquals(0, tokens.seen("GET", "/token").size());
    }

    @Test
    void tokensAreCachedForTheirDefaultLifetimeOf60Seconds() {
        bearerRegistry("t");
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"t\"}"));
        RepositorySession s = client.session(ref(registry, "app"), null, false);
        s.fetchManifest("latest");
        clock.advance(Duration.ofSeconds(59));
        client.session(ref(registry, "app"), null, false).fetchManifest("latest");
        assertEquals(1, tokens.seen.size(), "still valid: no second token request");
        assertEquals(3, registryAuthorizations().size(), "the cached token is sent up front: no 401 round trip");
        clock.advance(Duration.ofSeconds(2));
        s.fetchManifest("latest");
        assertEquals(2, tokens.seen.size(), "expired after 60 s: fetched again");
        assertEquals("Bearer t", registryAuthorizations().getLast());
    }

    @Test
    void expiresInIsHonoured() {
        bearerRegistry("t");
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"t\",\"expires_in\":300}"));
        RepositorySession s = client.session(ref(registry, "app"), null, false);
        s.fetchManifest("latest");
        clock.advance(Duration.ofSeconds(299));
        s.fetchManifest("latest");
        assertEquals(1, tokens.seen.size());
        clock.advance(Duration.ofSeconds(2));
        s.fetchManifest("latest");
        assertEquals(2, tokens.seen.size());
    }

    @Test
    void tokensAreNeverSharedBetweenDifferentCredentials() {
        registry.on("GET", MANIFEST_PATH, guarded(a -> a != null && a.startsWith("Bearer "), bearerChallenge(tokens),
                manifest(OCI_MANIFEST)));
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"for-" + req.header("Authorization").length()
                + "\",\"expires_in\":3600}"));
        client.session(ref(registry, "app"), Credentials.basic("alice", "a"), false).fetchManifest("latest");
        client.session(ref(registry, "app"), Credentials.basic("bob", "bbbb"), false).fetchManifest("latest");
        client.session(ref(registry, "app"), Credentials.basic("alice", "a"), false).fetchManifest("latest");
        assertEquals(List.of(basic("alice", "a"), basic("bob", "bbbb")),
                tokens.seen.stream().map(s -> s.header("Authorization")).toList());
    }

    @Test
    void aBasicChallengeIsAnsweredOnceAndThenSentUpFront() {
        registry.on("GET", MANIFEST_PATH, guarded(basic("u", "p")::equals, "Basic realm=\"registry\"",
                manifest(OCI_MANIFEST)));
        RepositorySession s = client.session(ref(registry, "app"), Credentials.basic("u", "p"), false);
        s.fetchManifest("latest");
        s.fetchManifest("latest");
        assertEquals(java.util.Arrays.asList(null, basic("u", "p"), basic("u", "p")), registryAuthorizations());
    }

    @Test
    void aSecond401IsUnauthorizedWithTheRegistrysMessageAfterExactlyOneRetry() {
        registry.on("GET", MANIFEST_PATH, req -> Reply.json(401, UNAUTHORIZED_BODY)
                .with("WWW-Authenticate", bearerChallenge(tokens)));
        tokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"useless\"}"));
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.session(ref(registry, "app"), null, false).fetchManifest("latest"));
        assertEquals("unauthorized: authentication required", e.getMessage());
        assertEquals(2, registryAuthorizations().size());
    }

    @Test
    void aBasicChallengeWithoutCredentialsIsUnauthorizedWithoutRetrying() {
        registry.on("GET", MANIFEST_PATH, req -> Reply.json(401, UNAUTHORIZED_BODY)
                .with("WWW-Authenticate", "Basic realm=\"r\""));
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.session(ref(registry, "app"), null, false).fetchManifest("latest"));
        assertEquals("unauthorized: authentication required", e.getMessage());
        assertEquals(1, registryAuthorizations().size());
    }

    @Test
    void unsupportedOrMissingChallengesAreUnauthorized() {
        registry.on("GET", MANIFEST_PATH, req -> Reply.json(401, "{}").with("WWW-Authenticate", "Negotiate abc=="));
        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> client.session(ref(registry, "app"), Credentials.basic("u", "p"), false).fetchManifest("latest"));
        assertEquals("unauthorized: authentication required", e.getMessage());
    }

    @Test
    void tokenResponsesOver1MiBAreRefused() {
        bearerRegistry("t");
        String huge = "{\"token\":\"" + "a".repeat(TokenClient.MAX_TOKEN_RESPONSE) + "\"}";
        tokens.on("GET", "/token", req -> Reply.json(200, huge));
        SystemException e = assertThrows(SystemException.class,
                () -> client.session(ref(registry, "app"), null, false).fetchManifest("latest"));
        assertTrue(e.getMessage().contains("larger than 1 MiB"), e.getMessage());
    }

    @Test
    void aTokenServerRefusalIsUnauthorizedInDockersWords() {
        bearerRegistry("t");
        tokens.on("GET", "/token", req -> Reply.json(401, "{\"details\":\"incorrect username or password\"}"));
        UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> client
                .session(ref(registry, "app"), Credentials.basic("u", "wrong"), false).fetchManifest("latest"));
        assertEquals("unauthorized: incorrect username or password", e.getMessage());
    }

    @Test
    void defaultCredentialsAreLookedUpLazilyOncePerSessionUnderTheRegistryHost() {
        bearerRegistry("t");
        tokens.on("GET", "/token", req -> basic("d", "p").equals(req.header("Authorization"))
                ? Reply.json(200, "{\"token\":\"t\"}") : Reply.json(401, "{}"));
        List<String> lookups = new CopyOnWriteArrayList<>();
        try (RegistryClient c = new RegistryClient(config(), host -> {
            lookups.add(host);
            return Credentials.basic("d", "p");
        }, clock)) {
            RepositorySession s = c.session(ref(registry, "app"), null, false);
            assertEquals(List.of(), lookups, "nothing is looked up before a registry asks");
            s.fetchManifest("latest");
            s.fetchManifest("latest");
            assertEquals(List.of(registry.hostPort()), lookups);
            c.session(ref(registry, "app"), Credentials.basic("explicit", "x"), false);
            assertEquals(1, lookups.size(), "explicit credentials win: the default source is not asked");
        }
    }

    @Test
    void explicitCredentialsWinOverDefaults() {
        bearerRegistry("t");
        tokens.on("GET", "/token", req -> basic("explicit", "x").equals(req.header("Authorization"))
                ? Reply.json(200, "{\"token\":\"t\"}") : Reply.json(401, "{}"));
        try (RegistryClient c = new RegistryClient(config(), host -> Credentials.basic("default", "d"), clock)) {
            c.session(ref(registry, "app"), Credentials.basic("explicit", "x"), false).fetchManifest("latest");
        }
        assertEquals(basic("explicit", "x"), tokens.seen.getFirst().header("Authorization"));
    }

    @Test
    void aRegistryTokenIsSentAsIsWithoutAskingTheTokenServer() {
        bearerRegistry("pre-issued");
        client.session(ref(registry, "app"), new Credentials(null, null, null, "pre-issued"), false)
                .fetchManifest("latest");
        assertEquals(0, tokens.seen.size());
        assertEquals("Bearer pre-issued", registryAuthorizations().getLast());
    }

    @Test
    void credentialsAreNeverSentToAPlainHttpRealmOffLoopback() throws Exception {
        Optional<InetAddress> lan = FakeServer.nonLoopbackAddress();
        assumeTrue(lan.isPresent(), "needs a non-loopback IPv4 address on this machine");
        try (FakeServer remoteTokens = FakeServer.start(lan.get())) {
            remoteTokens.on("GET", "/token", req -> Reply.json(200, "{\"token\":\"t\"}"));
            registry.on("GET", MANIFEST_PATH, guarded("Bearer t"::equals, bearerChallenge(remoteTokens),
                    manifest(OCI_MANIFEST)));
            UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> client
                    .session(ref(registry, "app"), Credentials.basic("alice", "pw"), false).fetchManifest("latest"));
            assertTrue(e.getMessage().contains("over plain http"), e.getMessage());
            assertEquals(0, remoteTokens.seen.size());

            client.session(ref(registry, "app"), null, false).fetchManifest("latest");
            assertEquals(1, remoteTokens.seen.size(), "anonymous tokens may come over http");
            assertNull(remoteTokens.seen.getFirst().header("Authorization"));
        }
    }

    @Test
    void aChallengeFromARedirectTargetIsNeverAnswered() throws Exception {
        try (FakeServer storage = FakeServer.start()) {
            String blob = "/v2/app/blobs/sha256:" + "a".repeat(64);
            registry.on("GET", blob, guarded(basic("alice", "pw")::equals, "Basic realm=\"r\"",
                    req -> Reply.of(307).with("Location", storage.uri("/bucket/x").toString())));
            storage.on("GET", "/bucket/x", req -> Reply.json(401, UNAUTHORIZED_BODY)
                    .with("WWW-Authenticate", bearerChallenge(tokens)));
            RepositorySession s = client.session(ref(registry, "app"), Credentials.basic("alice", "pw"), false);
            assertThrows(UnauthorizedException.class,
                    () -> s.openBlob(dev.berth.oci.Digest.parse("sha256:" + "a".repeat(64)), 0));
            assertEquals(0, tokens.seen.size(), "credentials must not follow a challenge from another host");
            assertEquals(1, storage.seen.size());
            assertTrue(storage.seen.stream().allMatch(r -> r.header("Authorization") == null));
        }
    }
}
