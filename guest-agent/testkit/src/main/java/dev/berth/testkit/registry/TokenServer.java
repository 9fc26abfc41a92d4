package dev.berth.testkit.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.oci.Json;
import dev.berth.testkit.registry.AuthRegistryFixture.TokenRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The authorization server of the token-auth registry fixture, following the Docker registry token spec:
 * GET with HTTP Basic (or anonymously) and repeated {@code scope} parameters, and the OAuth2 POST form with
 * {@code grant_type=password} or {@code refresh_token}. Alice gets every action she asks for; anonymous
 * callers get a token that grants nothing (as Docker Hub does for private repositories); wrong credentials
 * get 401.
 */
final class TokenServer implements AutoCloseable {
    static final int EXPIRES_IN_SECONDS = 300;
    private static final String PATH = "/token";

    private final HttpServer server;
    private final TokenSigner signer;
    private final String service;
    private final String issuer;
    private final String username;
    private final String password;
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final List<TokenRequest> log = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private TokenServer(HttpServer server, TokenSigner signer, String service, String issuer, String username,
                        String password) {
        this.server = server;
        this.signer = signer;
        this.service = service;
        this.issuer = issuer;
        this.username = username;
        this.password = password;
    }

    static TokenServer start(TokenSigner signer, String service, String issuer, String username, String password)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TokenServer ts = new TokenServer(http, signer, service, issuer, username, password);
        http.createContext(PATH, ts::handle);
        // dockerd fetches tokens for concurrent layer downloads; the default executor would queue them
        http.setExecutor(ts.executor);
        http.start();
        return ts;
    }

    /** The realm URL the registry sends clients to. */
    URI realm() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    List<TokenRequest> log() {
        return List.copyOf(log);
    }

    void clearLog() {
        log.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Who is asking and whether they get a token: a null subject is the anonymous caller. */
    private record Caller(String grant, String subject, int status, String error, boolean offline) {}

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, List<String>> params = parseForm(ex.getRequestURI().getRawQuery());
            boolean post = ex.getRequestMethod().equalsIgnoreCase("POST");
            if (post) {
                parseForm(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                        .forEach((k, v) -> params.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            }
            List<String> scopes = params.getOrDefault("scope", List.of()).stream()
                    .flatMap(s -> Arrays.stream(s.split(" "))).filter(s -> !s.isBlank()).toList();
            Caller caller = post ? oauthCaller(params) : basicCaller(ex.getRequestHeaders().getFirst("Authorization"),
                    "true".equals(first(params, "offline_token")));
            String requested = first(params, "service");
            if (caller.status() == 200 && requested != null && !requested.equals(service)) {
                caller = new Caller(caller.grant(), caller.subject(), 400, "unknown service " + requested, false);
            }
            log.add(new TokenRequest(ex.getRequestMethod(), caller.grant(), caller.subject(),
                    first(params, "client_id"), scopes, caller.status()));
            if (caller.status() != 200) {
                reply(ex, caller.status(), Map.of("errors", List.of(Map.of(
                        "code", caller.status() == 401 ? "UNAUTHORIZED" : "DENIED", "message", caller.error()))));
                return;
            }
            reply(ex, 200, tokenResponse(caller, scopes));
        }
    }

    private Caller basicCaller(String authorization, boolean offline) {
        if (authorization == null) {
            return new Caller("anonymous", null, 200, null, false);
        }
        String[] parts = authorization.trim().split(" ", 2);
        if (parts.length == 2 && parts[0].equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(parts[1].trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return new Caller("basic", null, 401, "malformed basic credentials", false);
            }
            int colon = decoded.indexOf(':');
            if (colon > 0 && decoded.substring(0, colon).equals(username)
                    && decoded.substring(colon + 1).equals(password)) {
                return new Caller("basic", username, 200, null, offline);
            }
        }
        return new Caller("basic", null, 401, "wrong username or password", false);
    }

    private Caller oauthCaller(Map<String, List<String>> params) {
        String grant = String.valueOf(first(params, "grant_type"));
        boolean offline = "offline".equals(first(params, "access_type"));
        return switch (grant) {
            case "password" -> username.equals(first(params, "username")) && password.equals(first(params, "password"))
                    ? new Caller(grant, username, 200, null, offline)
                    : new Caller(grant, null, 401, "wrong username or password", false);
            case "refresh_token" -> {
                String user = refreshTokens.get(String.valueOf(first(params, "refresh_token")));
                yield user != null ? new Caller(grant, user, 200, null, false)
                        : new Caller(grant, null, 401, "unknown refresh token", false);
            }
            default -> new Caller(grant, null, 400, "unsupported grant_type " + grant, false);
        };
    }

    private Map<String, Object> tokenResponse(Caller caller, List<String> scopes) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", caller.subject() == null ? "" : caller.subject());
        claims.put("aud", service);
        claims.put("exp", now.getEpochSecond() + EXPIRES_IN_SECONDS);
        claims.put("nbf", now.getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", caller.subject() == null ? List.of() : access(scopes));
        String token = signer.sign(claims);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", EXPIRES_IN_SECONDS);
        body.put("issued_at", now.toString());
        if (caller.offline()) {
            String refresh = UUID.randomUUID().toString();
            refreshTokens.put(refresh, caller.subject());
            body.put("refresh_token", refresh);
        }
        return body;
    }

    /**
     * The token's {@code access} claim granting every requested action: {@code type:name:actions}, where the
     * name may itself contain colons (a registry host with a port), so type and actions are split off the ends.
     */
    static List<Map<String, Object>> access(List<String> scopes) {
        Map<List<String>, Set<String>> granted = new LinkedHashMap<>();
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last == first) {
                continue; // not a resource scope; nothing to grant
            }
            String type = scope.substring(0, first).replaceAll("\\(.*\\)$", ""); // drop a resource class
            String name = scope.substring(first + 1, last);
            Set<String> actions = granted.computeIfAbsent(List.of(type, name), k -> new LinkedHashSet<>());
            Arrays.stream(scope.substring(last + 1).split(",")).filter(a -> !a.isBlank()).forEach(actions::add);
        }
        List<Map<String, Object>> access = new ArrayList<>();
        granted.forEach((k, actions) -> access.add(Map.of("type", k.get(0), "name", k.get(1),
                "actions", List.copyOf(actions))));
        return access;
    }

    static Map<String, List<String>> parseForm(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return params;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    private static void reply(HttpExchange ex, int status, Object json) throws IOException {
        byte[] body = Json.write(json);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"berth-test-token-server\"");
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }
}
