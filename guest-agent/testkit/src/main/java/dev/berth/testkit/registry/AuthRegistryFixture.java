package dev.berth.testkit.registry;

import dev.berth.oci.Json;
import dev.berth.oci.layout.OciLayout;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.RegistryPusher;
import dev.berth.testkit.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A real docker-registry that requires authentication, for the engine's login, credential and token tests:
 * <ul>
 *   <li>{@link Mode#BASIC}: htpasswd auth; clients send {@code Authorization: Basic} on every request.</li>
 *   <li>{@link Mode#TOKEN}: token auth; clients get a bearer token from {@link #tokenRealm()}, a token server
 *       run by this fixture that signs JWTs the registry trusts.</li>
 * </ul>
 * The one account is {@link #USERNAME}/{@link #PASSWORD}. Everything lives on 127.0.0.1 and in a temporary
 * directory removed on close.
 */
public final class AuthRegistryFixture implements AutoCloseable {
    public enum Mode { BASIC, TOKEN }

    public static final String USERNAME = "alice";
    public static final String PASSWORD = "wonderland";
    public static final String BASIC_REALM = "berth-test-realm";
    public static final String SERVICE = "berth-test-registry";
    public static final String ISSUER = "berth-test-issuer";
    /** The client_id the fixture's own token requests carry; {@link #tokenRequests()} leaves them out. */
    public static final String FIXTURE_CLIENT_ID = "berth-testkit-fixture";

    /**
     * One call to the token server. {@code grant} is "anonymous" or "basic" for GET, the grant_type for POST;
     * {@code user} is null when no valid credentials were given.
     */
    public record TokenRequest(String method, String grant, String user, String clientId, List<String> scopes,
                               int status) {}

    private final Mode mode;
    private final Path dir;
    private final RegistryFixture registry;
    private final TokenServer tokenServer;

    private AuthRegistryFixture(Mode mode, Path dir, RegistryFixture registry, TokenServer tokenServer) {
        this.mode = mode;
        this.dir = dir;
        this.registry = registry;
        this.tokenServer = tokenServer;
    }

    public static AuthRegistryFixture start(Mode mode) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("berth-auth-registry-");
        TokenServer tokens = null;
        try {
            if (mode == Mode.BASIC) {
                return new AuthRegistryFixture(mode, dir, RegistryFixture.start(basicAuthYaml(dir)), null);
            }
            tokens = TokenServer.start(TokenSigner.generate(dir, ISSUER), SERVICE, ISSUER, USERNAME, PASSWORD);
            String yaml = """
                    auth:
                      token:
                        realm: %s
                        service: %s
                        issuer: %s
                        rootcertbundle: %s
                    """.formatted(tokens.realm(), SERVICE, ISSUER, dir.resolve("root.pem"));
            return new AuthRegistryFixture(mode, dir, RegistryFixture.start(yaml), tokens);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (tokens != null) {
                tokens.close();
            }
            TempDirs.deleteRecursively(dir);
            throw e;
        }
    }

    private static String basicAuthYaml(Path dir) throws IOException {
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, Htpasswd.line(USERNAME, PASSWORD) + "\n");
        return """
                auth:
                  htpasswd:
                    realm: %s
                    path: %s
                """.formatted(BASIC_REALM, htpasswd);
    }

    public Mode mode() {
        return mode;
    }

    /** {@code 127.0.0.1:port}: the registry part of an image reference. */
    public String host() {
        return registry.host();
    }

    public URI baseUri() {
        return registry.baseUri();
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    /** {@code Basic base64(alice:wonderland)}: what the registry (basic) or the token server (token) accepts. */
    public String basicAuthHeader() {
        return "Basic " + Base64.getEncoder()
                .encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** The token server's URL, as the registry's {@code WWW-Authenticate: Bearer realm=...} names it. */
    public URI tokenRealm() {
        return requireTokenServer().realm();
    }

    /** Calls to the token server, not counting the fixture's own (see {@link #FIXTURE_CLIENT_ID}). */
    public int tokenRequests() {
        return tokenRequestLog().size();
    }

    /** The scopes of the latest counted token request; empty if there was none. */
    public List<String> lastScopes() {
        List<TokenRequest> log = tokenRequestLog();
        return log.isEmpty() ? List.of() : log.getLast().scopes();
    }

    /** Every counted token request, oldest first; empty in basic mode. */
    public List<TokenRequest> tokenRequestLog() {
        if (tokenServer == null) {
            return List.of();
        }
        return tokenServer.log().stream().filter(r -> !FIXTURE_CLIENT_ID.equals(r.clientId())).toList();
    }

    public void clearTokenRequestLog() {
        if (tokenServer != null) {
            tokenServer.clearLog();
        }
    }

    /**
     * An Authorization header value good for these scopes (e.g. {@code "repository:busybox:pull"}): the Basic
     * header in basic mode, a bearer token fetched from the token server as alice in token mode.
     */
    public String authorizationFor(String... scopes) throws IOException, InterruptedException {
        return mode == Mode.BASIC ? basicAuthHeader() : "Bearer " + fetchToken(List.of(scopes));
    }

    /** Pushes {@code names} (each {@code <name>:latest} in the layout) as {@code <name>:latest}, as alice. */
    public void pushFixtures(OciLayout layout, List<String> names) throws IOException, InterruptedException {
        List<String> scopes = names.stream().map(n -> "repository:" + n + ":pull,push").toList();
        String authorization = authorizationFor(scopes.toArray(String[]::new));
        RegistryPusher pusher = new RegistryPusher(layout, baseUri(), authorization);
        for (String name : names) {
            pusher.push(layout.find(name + ":latest")
                    .orElseThrow(() -> new IOException(name + ":latest is not in the layout at " + layout.dir())),
                    name, "latest");
        }
    }

    /** The underlying registry process (its log helps when a test fails). */
    public RegistryFixture registry() {
        return registry;
    }

    @Override
    public void close() {
        registry.close();
        if (tokenServer != null) {
            tokenServer.close();
        }
        TempDirs.deleteRecursively(dir);
    }

    private String fetchToken(List<String> scopes) throws IOException, InterruptedException {
        List<String> params = new ArrayList<>(List.of("service=" + enc(SERVICE), "client_id=" + FIXTURE_CLIENT_ID));
        scopes.forEach(s -> params.add("scope=" + enc(s)));
        URI uri = URI.create(tokenRealm() + "?" + String.join("&", params));
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .header("Authorization", basicAuthHeader()).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("token server " + uri + " answered HTTP " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return Json.mapper().readTree(r.body()).path("token").asString();
    }

    private TokenServer requireTokenServer() {
        if (tokenServer == null) {
            throw new IllegalStateException("the registry at " + host() + " uses basic auth: it has no token server");
        }
        return tokenServer;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
