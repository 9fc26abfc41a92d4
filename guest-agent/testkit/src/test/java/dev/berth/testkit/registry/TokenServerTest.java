package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.Json;
import dev.berth.testkit.registry.AuthRegistryFixture.TokenRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The token server on its own (no registry): what it grants whom, and that its JWTs verify. */
class TokenServerTest {
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            "alice:wonderland".getBytes(StandardCharsets.UTF_8));
    @TempDir
    static Path dir;
    static TokenSigner signer;
    static TokenServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        signer = TokenSigner.generate(dir, "berth-test-issuer");
        server = TokenServer.start(signer, "svc", "berth-test-issuer", "alice", "wonderland");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void clear() {
        server.clearLog();
    }

    @Test
    void aliceGetsASignedTokenForEveryRequestedScope() throws Exception {
        HttpResponse<String> r = get("?service=svc&scope=repository:busybox:pull&scope=repository:big:pull,push",
                BASIC);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.mapper().readTree(r.body());
        assertEquals(body.path("token").asString(), body.path("access_token").asString());
        assertEquals(300, body.path("expires_in").asInt());
        assertFalse(body.has("refresh_token"), "no offline_token asked for");
        JsonNode claims = verify(body.path("token").asString());
        assertEquals("berth-test-issuer", claims.path("iss").asString());
        assertEquals("alice", claims.path("sub").asString());
        assertEquals("svc", claims.path("aud").asString());
        assertEquals(300, claims.path("exp").asLong() - claims.path("iat").asLong());
        assertEquals(List.of(Map.of("type", "repository", "name", "busybox", "actions", List.of("pull")),
                        Map.of("type", "repository", "name", "big", "actions", List.of("pull", "push"))),
                Json.mapper().convertValue(claims.path("access"), List.class));
        assertEquals(List.of(new TokenRequest("GET", "basic", "alice", null,
                List.of("repository:busybox:pull", "repository:big:pull,push"), 200)), server.log());
    }

    @Test
    void anonymousCallersGetATokenThatGrantsNothing() throws Exception {
        HttpResponse<String> r = get("?service=svc&scope=repository:busybox:pull", null);
        assertEquals(200, r.statusCode());
        JsonNode claims = verify(Json.mapper().readTree(r.body()).path("token").asString());
        assertEquals("", claims.path("sub").asString());
        assertTrue(claims.path("access").isEmpty());
        assertNull(server.log().getFirst().user());
    }

    @Test
    void wrongCredentialsAndWrongServiceAreRefused() throws Exception {
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:queen".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, get("?service=svc", wrong).statusCode());
        assertEquals(401, get("?service=svc", "Bearer abc").statusCode());
        assertEquals(400, get("?service=other", BASIC).statusCode());
        assertEquals(List.of(401, 401, 400), server.log().stream().map(TokenRequest::status).toList());
    }

    @Test
    void oauthPasswordGrantGivesARefreshTokenThatStandsInForThePassword() throws Exception {
        HttpResponse<String> r = post("grant_type=password&service=svc&client_id=docker&access_type=offline"
                + "&username=alice&password=wonderland&scope=repository%3Abusybox%3Apull");
        assertEquals(200, r.statusCode(), r.body());
        String refresh = Json.mapper().readTree(r.body()).path("refresh_token").asString();
        assertFalse(refresh.isEmpty());

        HttpResponse<String> again = post("grant_type=refresh_token&service=svc&client_id=docker&refresh_token="
                + refresh + "&scope=repository%3Abusybox%3Apull+repository%3Aweb%3Apull");
        assertEquals(200, again.statusCode(), again.body());
        JsonNode claims = verify(Json.mapper().readTree(again.body()).path("access_token").asString());
        assertEquals("alice", claims.path("sub").asString());
        assertEquals(2, claims.path("access").size(), "space-separated scopes of the oauth form");

        assertEquals(401, post("grant_type=refresh_token&service=svc&refresh_token=nonsense").statusCode());
        assertEquals(401, post("grant_type=password&service=svc&username=alice&password=x").statusCode());
        assertEquals(400, post("grant_type=client_credentials&service=svc").statusCode());
        assertEquals(List.of("password", "refresh_token", "refresh_token", "password", "client_credentials"),
                server.log().stream().map(TokenRequest::grant).toList());
    }

    @Test
    void scopesAreParsedFromBothEnds() {
        assertEquals(List.of(Map.of("type", "repository", "name", "localhost:5000/a", "actions", List.of("pull")),
                        Map.of("type", "repository", "name", "b", "actions", List.of("pull", "push")),
                        Map.of("type", "registry", "name", "catalog", "actions", List.of("*"))),
                TokenServer.access(List.of("repository:localhost:5000/a:pull", "repository:b:pull",
                        "repository(plugin):b:push,pull", "registry:catalog:*", "nonsense")));
    }

    @Test
    void theRootBundleIsTheSigningCertificateInPem() throws Exception {
        X509Certificate fromPem = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(signer.rootCertBundle()));
        assertEquals(signer.certificate(), fromPem);
        assertTrue(fromPem.getBasicConstraints() >= 0, "a CA, so Go accepts it as a root");
        fromPem.checkValidity();
    }

    /** Checks the RS256 signature against the x5c certificate and returns the claims. */
    private static JsonNode verify(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, jwt);
        JsonNode header = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", header.path("alg").asString());
        byte[] der = Base64.getDecoder().decode(header.path("x5c").get(0).asString());
        assertEquals(signer.certificate(), CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der)));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(signer.certificate().getPublicKey());
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(Base64.getUrlDecoder().decode(parts[2])), "signature");
        return Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private HttpResponse<String> get(String query, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.realm() + query));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String form) throws Exception {
        return http.send(HttpRequest.newBuilder(server.realm())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
