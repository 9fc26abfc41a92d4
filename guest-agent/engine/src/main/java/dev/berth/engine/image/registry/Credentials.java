package dev.berth.engine.image.registry;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What the engine may present to one registry. Any field may be null. {@code identityToken} is an OAuth2
 * refresh token from an earlier {@code docker login}; {@code registryToken} is a bearer token the client
 * already obtained and is sent as is.
 */
public record Credentials(String username, String password, String identityToken, String registryToken) {
    /** X-Registry-Auth is small JSON; anything near this size is not a credential. */
    static final int MAX_HEADER_LENGTH = 64 * 1024;
    private static final Credentials NONE = new Credentials(null, null, null, null);

    public Credentials {
        username = blankToNull(username);
        password = password == null || password.isEmpty() ? null : password;
        identityToken = blankToNull(identityToken);
        registryToken = blankToNull(registryToken);
    }

    public static Credentials none() {
        return NONE;
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null, null);
    }

    public boolean isEmpty() {
        return username == null && password == null && identityToken == null && registryToken == null;
    }

    /** True when a username and password can answer a Basic challenge or a token server's GET. */
    boolean hasPassword() {
        return username != null && password != null;
    }

    /**
     * Decodes the X-Registry-Auth header the docker CLI sends: base64url (padding optional; standard base64
     * is accepted too) of JSON {@code {"username","password","serveraddress","identitytoken",
     * "registrytoken"}}. Empty, or the CLI's {@code e30=} ("{}"), means none.
     *
     * @throws InvalidArgumentException if the header is not base64 of a JSON object
     */
    public static Credentials fromRegistryAuthHeader(String header) {
        if (header == null || header.isBlank()) {
            return none();
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw invalid("too long");
        }
        JsonNode doc;
        try {
            doc = Json.mapper().readTree(decodeBase64(header.trim()));
        } catch (JacksonException e) {
            throw invalid("not JSON");
        }
        if (doc == null || !doc.isObject()) {
            throw invalid("not a JSON object");
        }
        // Go's encoding/json matches field names case-insensitively, so the daemon accepts "Username" too.
        Map<String, String> fields = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> e : doc.properties()) {
            if (e.getValue().isString()) {
                fields.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asString());
            } else if (!e.getValue().isNull()) {
                throw invalid("field " + e.getKey() + " is not a string");
            }
        }
        Credentials c = new Credentials(fields.get("username"), fields.get("password"),
                fields.get("identitytoken"), fields.get("registrytoken"));
        return c.username == null && fields.containsKey("auth") ? withAuthField(c, fields.get("auth")) : c;
    }

    /** The legacy "auth" field: base64 of {@code user:password}, as config.json stores it. */
    static Credentials withAuthField(Credentials c, String auth) {
        String decoded = new String(decodeBase64(auth), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw invalid("auth field is not base64 of user:password");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), c.identityToken,
                c.registryToken);
    }

    private static byte[] decodeBase64(String text) {
        String s = text.trim();
        try {
            return Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException notUrlSafe) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw invalid("not base64");
            }
        }
    }

    private static InvalidArgumentException invalid(String why) {
        return new InvalidArgumentException("invalid X-Registry-Auth header: " + why);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Never prints secrets: records would print every component, and these end up in logs. */
    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + mask(password) + ", identityToken="
                + mask(identityToken) + ", registryToken=" + mask(registryToken) + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "***";
    }
}
