package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Json;
import dev.berth.oci.layout.OciLayout;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.Processes;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.registry.AuthRegistryFixture.Mode;
import dev.berth.testkit.registry.AuthRegistryFixture.TokenRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** Both authenticating registries, checked by hand over HTTP and by the real docker CLI and dockerd. */
class AuthRegistryFixtureIT {
    static final Map<Mode, AuthRegistryFixture> registries = new EnumMap<>(Mode.class);
    static OciLayout layout;
    static Descriptor busybox;
    static ReferenceDockerd dockerd;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRegistry();
        layout = FixtureImages.layout();
        busybox = layout.find(FixtureImages.BUSYBOX + ":latest").orElseThrow();
        for (Mode mode : Mode.values()) {
            AuthRegistryFixture r = AuthRegistryFixture.start(mode);
            registries.put(mode, r);
            r.pushFixtures(layout, List.of(FixtureImages.BUSYBOX));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (dockerd != null) {
            dockerd.close();
        }
        registries.values().forEach(AuthRegistryFixture::close);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anonymousPingIsChallengedWithTheModesScheme(Mode mode) throws Exception {
        AuthRegistryFixture r = registries.get(mode);
        HttpResponse<String> ping = get(r.baseUri().resolve("/v2/"), null);
        assertEquals(401, ping.statusCode());
        String expected = mode == Mode.BASIC ? "Basic realm=\"" + AuthRegistryFixture.BASIC_REALM + "\""
                : "Bearer realm=\"" + r.tokenRealm() + "\",service=\"" + AuthRegistryFixture.SERVICE + "\"";
        assertEquals(expected, ping.headers().firstValue("WWW-Authenticate").orElse(""));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void authenticatedManifestGetWorksAndAnonymousDoesNot(Mode mode) throws Exception {
        AuthRegistryFixture r = registries.get(mode);
        URI manifest = r.baseUri().resolve("/v2/busybox/manifests/latest");
        assertEquals(401, get(manifest, null).statusCode());
        HttpResponse<String> ok = get(manifest, r.authorizationFor("repository:busybox:pull"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(busybox.digest().toString(), ok.headers().firstValue("Docker-Content-Digest").orElse(""));
    }

    @Test
    void basicAuthRefusesAWrongPassword() throws Exception {
        AuthRegistryFixture r = registries.get(Mode.BASIC);
        assertEquals(401, get(r.baseUri().resolve("/v2/"), basic("alice", "queen-of-hearts")).statusCode());
        assertEquals(200, get(r.baseUri().resolve("/v2/"), r.basicAuthHeader()).statusCode());
    }

    /** docker-registry 2.8 takes jbcrypt's $2a$ (what the fixture writes) and Apache's $2y$ alike. */
    @Test
    void htpasswdAcceptsApachesBcryptPrefixToo(@TempDir Path dir) throws Exception {
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, Htpasswd.apachePrefix(Htpasswd.line("alice", "wonderland")) + "\n");
        try (RegistryFixture r = RegistryFixture.start("""
                auth:
                  htpasswd:
                    realm: apache
                    path: %s
                """.formatted(htpasswd))) {
            assertEquals(200, get(r.baseUri().resolve("/v2/"), basic("alice", "wonderland")).statusCode());
            assertEquals(401, get(r.baseUri().resolve("/v2/"), basic("alice", "wonderlan")).statusCode());
        }
    }

    @Test
    void anAnonymousTokenIsIssuedButGrantsNothing() throws Exception {
        AuthRegistryFixture r = registries.get(Mode.TOKEN);
        HttpResponse<String> t = get(URI.create(r.tokenRealm() + "?service=" + AuthRegistryFixture.SERVICE
                + "&scope=repository:busybox:pull"), null);
        assertEquals(200, t.statusCode());
        String token = Json.mapper().readTree(t.body()).path("token").asString();
        HttpResponse<String> m = get(r.baseUri().resolve("/v2/busybox/manifests/latest"), "Bearer " + token);
        assertEquals(401, m.statusCode());
        assertTrue(m.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"insufficient_scope\""),
                m.headers().map().toString());
    }

    @Test
    void theTokenServerRefusesWrongCredentialsAndCountsRequests() throws Exception {
        AuthRegistryFixture r = registries.get(Mode.TOKEN);
        r.clearTokenRequestLog();
        String query = "?service=" + AuthRegistryFixture.SERVICE
                + "&scope=repository:busybox:pull&scope=repository:web:pull";
        assertEquals(401, get(URI.create(r.tokenRealm() + query), basic("alice", "queen")).statusCode());
        HttpResponse<String> ok = get(URI.create(r.tokenRealm() + query), r.basicAuthHeader());
        assertEquals(200, ok.statusCode());
        r.authorizationFor("repository:busybox:pull"); // the fixture's own request is not counted

        assertEquals(2, r.tokenRequests());
        assertEquals(List.of("repository:busybox:pull", "repository:web:pull"), r.lastScopes());
        assertEquals(List.of(401, 200), r.tokenRequestLog().stream().map(TokenRequest::status).toList());
        JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(
                Json.mapper().readTree(ok.body()).path("token").asString().split("\\.")[1]));
        assertEquals(AuthRegistryFixture.ISSUER, claims.path("iss").asString());
        assertEquals(AuthRegistryFixture.SERVICE, claims.path("aud").asString());
        assertEquals("alice", claims.path("sub").asString());
        assertEquals(2, claims.path("access").size());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dockerLogsInAndPulls(Mode mode, @TempDir Path dockerConfig) throws Exception {
        Requirements.requireDockerCli();
        Requirements.requireReferenceDockerd();
        if (dockerd == null) {
            dockerd = ReferenceDockerd.start();
        }
        AuthRegistryFixture r = registries.get(mode);
        // its own DOCKER_CONFIG, so the host's ~/.docker/config.json is neither read nor written
        DockerCli docker = new DockerCli(Map.of("DOCKER_HOST", dockerd.dockerHost(),
                "DOCKER_CONFIG", dockerConfig.toString()));
        String image = r.host() + "/busybox";

        Processes.Result anonymous = docker.run(List.of("pull", image));
        assertNotEquals(0, anonymous.exitCode(), "pulled without credentials: " + anonymous.stdout());
        Processes.Result wrong = login(docker, r, "not-the-password");
        assertNotEquals(0, wrong.exitCode(), wrong.stdout());

        r.clearTokenRequestLog();
        login(docker, r, r.password()).requireSuccess();
        assertTrue(Files.readString(dockerConfig.resolve("config.json")).contains(r.host()));
        docker.ok("pull", image);
        // the same image may also be known under the other mode's registry, so look for this one among them
        String repoDigests = docker.ok("image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}",
                image);
        assertTrue(repoDigests.lines().toList().contains(image + "@" + busybox.digest()), repoDigests);
        if (mode == Mode.TOKEN) {
            // login trades the password for a refresh token (offline_token=true); pulls then use the OAuth form
            List<TokenRequest> log = r.tokenRequestLog();
            assertTrue(log.stream().anyMatch(t -> t.grant().equals("basic") && t.status() == 200), log.toString());
            assertTrue(log.stream().anyMatch(t -> t.grant().equals("refresh_token") && t.status() == 200
                    && t.scopes().contains("repository:busybox:pull")), log.toString());
        }
    }

    private static Processes.Result login(DockerCli docker, AuthRegistryFixture r, String password)
            throws Exception {
        return docker.run(List.of("login", "--username", r.username(), "--password-stdin", r.host()),
                password.getBytes(StandardCharsets.UTF_8), java.time.Duration.ofMinutes(1));
    }

    private HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", busybox.mediaType());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
