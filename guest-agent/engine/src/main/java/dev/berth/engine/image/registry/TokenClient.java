package dev.berth.engine.image.registry;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.oci.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Gets bearer tokens from a registry's token server (the realm of its Bearer challenge), as the Docker
 * token-auth spec describes: GET with Basic credentials or anonymously, or an OAuth2 refresh-token POST
 * when an identity token from {@code docker login} is known.
 */
final class TokenClient {
    static final int MAX_TOKEN_RESPONSE = 1 << 20;
    /** The spec's default, and distribution's minimum: a token is good for at least 60 s. */
    static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
    /** Far beyond any real token; keeps a hostile expires_in from overflowing the expiry instant. */
    static final Duration MAX_LIFETIME = Duration.ofDays(1);
    static final String CLIENT_ID = "berth";

    /** A token, the refresh token the server issued with it (or null), and how long to use it. */
    record Token(String token, String refreshToken, Duration lifetime) {}

    private final HttpSender sender;

    TokenClient(HttpSender sender) {
        this.sender = sender;
    }

    /**
     * Fetches a token for {@code scopes} (none for login). {@code offline} asks for a refresh token, as
     * {@code docker login} does, so the user's password need not be stored.
     */
    Token fetch(String registry, AuthChallenge challenge, Credentials creds, List<String> scopes, boolean offline) {
        URI realm = realm(registry, challenge);
        boolean sendsSecret = creds.identityToken() != null || creds.hasPassword();
        Origin origin = Origin.of(realm);
        if (sendsSecret && origin.scheme().equals("http") && !RegistryHost.isLoopback(origin.hostPort())) {
            throw new UnauthorizedException("refusing to send credentials for registry " + registry
                    + " to token server " + origin.hostPort() + " over plain http");
        }
        String label = "token server " + origin.hostPort() + " of registry " + registry;
        HttpSender.Call call = creds.identityToken() != null
                ? refreshCall(realm, challenge, creds.identityToken(), scopes, offline)
                : getCall(realm, challenge, scopes, offline);
        String authorization = creds.identityToken() == null && creds.hasPassword() ? basic(creds) : null;
        try (RegistryResponse r = sender.send(call, authorization, origin, label)) {
            if (r.status() != 200) {
                String msg = RegistryErrors.message(r);
                if (r.status() == 401 || r.status() == 403) {
                    throw new UnauthorizedException(msg != null ? msg : "unauthorized: incorrect username or password");
                }
                throw RegistryErrors.forStatus(r.status(), msg, origin.hostPort(), "a token request",
                        m -> "token server " + origin.hostPort() + " not found" + (m == null ? "" : ": " + m));
            }
            return parse(r, label);
        }
    }

    static String basic(Credentials c) {
        String pair = c.username() + ":" + c.password();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static URI realm(String registry, AuthChallenge challenge) {
        String realm = challenge.param("realm");
        try {
            URI uri = new URI(realm);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (java.net.URISyntaxException | NullPointerException e) {
            // reported below
        }
        throw new SystemException("registry " + registry + " announced an invalid token realm: "
                + HttpSender.sanitize(String.valueOf(realm)));
    }

    private static HttpSender.Call getCall(URI realm, AuthChallenge c, List<String> scopes, boolean offline) {
        List<String> query = new ArrayList<>();
        if (c.param("service") != null) {
            query.add("service=" + encode(c.param("service")));
        }
        scopes.forEach(s -> query.add("scope=" + encode(s)));
        if (offline) {
            query.add("offline_token=true");
            query.add("client_id=" + CLIENT_ID);
        }
        String sep = realm.getRawQuery() == null ? "?" : "&";
        URI uri = query.isEmpty() ? realm : URI.create(realm + sep + String.join("&", query));
        return HttpSender.Call.get(uri, Map.of("Accept", "application/json"));
    }

    private static HttpSender.Call refreshCall(URI realm, AuthChallenge c, String refreshToken, List<String> scopes,
                                               boolean offline) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        if (c.param("service") != null) {
            form.put("service", c.param("service"));
        }
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes)); // OAuth2 joins scopes with spaces
        }
        form.put("client_id", CLIENT_ID);
        if (offline) {
            form.put("access_type", "offline");
        }
        byte[] body = form.entrySet().stream().map(e -> e.getKey() + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
        return new HttpSender.Call("POST", realm,
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
                () -> HttpRequest.BodyPublishers.ofByteArray(body), Duration.ofMinutes(2));
    }

    private static Token parse(RegistryResponse r, String label) {
        JsonNode doc;
        try {
            byte[] body = r.readAtMost(MAX_TOKEN_RESPONSE);
            if (body.length > MAX_TOKEN_RESPONSE) {
                throw new SystemException(label + " sent a token response larger than 1 MiB");
            }
            doc = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new SystemException(label + " unavailable: " + HttpSender.describe(e), e);
        } catch (JacksonException e) {
            throw new SystemException(label + " sent a token response that is not JSON");
        }
        String token = text(doc, "token");
        if (token == null) {
            token = text(doc, "access_token");
        }
        if (token == null) {
            throw new SystemException(label + " sent a token response without a token");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new SystemException(label + " sent a token that cannot be used in a header");
        }
        long seconds = doc != null && doc.path("expires_in").canConvertToLong() ? doc.path("expires_in").asLong() : 0;
        Duration lifetime = Duration.ofSeconds(Math.clamp(seconds, MIN_LIFETIME.toSeconds(), MAX_LIFETIME.toSeconds()));
        return new Token(token, text(doc, "refresh_token"), lifetime);
    }

    private static String text(JsonNode doc, String field) {
        JsonNode n = doc == null ? null : doc.get(field);
        return n != null && n.isString() && !n.asString().isBlank() ? n.asString() : null;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
