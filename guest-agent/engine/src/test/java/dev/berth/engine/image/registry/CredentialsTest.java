package dev.berth.engine.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {
    /** The password is chosen so that base64 and base64url encodings differ ('+' / '/' vs '-' / '_'). */
    static final String JSON = "{\"username\":\"alice\",\"password\":\"p>?~>?~\",\"serveraddress\":\"127.0.0.1:5000\"}";

    @Test
    void decodesBase64UrlWithoutPadding() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.getBytes(StandardCharsets.UTF_8));
        assertTrue(header.contains("-") || header.contains("_"), "test input must exercise the url alphabet: " + header);
        Credentials c = Credentials.fromRegistryAuthHeader(header);
        assertEquals("alice", c.username());
        assertEquals("p>?~>?~", c.password());
    }

    @Test
    void decodesStandardBase64WithPadding() {
        String header = Base64.getEncoder().encodeToString(JSON.getBytes(StandardCharsets.UTF_8));
        assertTrue(header.contains("+") || header.contains("/"), "test input must exercise the std alphabet: " + header);
        assertEquals("alice", Credentials.fromRegistryAuthHeader(header).username());
    }

    @Test
    void readsTokensAndMatchesFieldNamesCaseInsensitivelyAsGoDoes() {
        String json = "{\"Username\":\"\",\"IdentityToken\":\"refresh-1\",\"registrytoken\":\"bearer-2\"}";
        Credentials c = Credentials.fromRegistryAuthHeader(b64(json));
        assertEquals("refresh-1", c.identityToken());
        assertEquals("bearer-2", c.registryToken());
        assertEquals(null, c.username());
    }

    @Test
    void fallsBackToTheLegacyAuthField() {
        String auth = Base64.getEncoder().encodeToString("bob:pa:ss".getBytes(StandardCharsets.UTF_8));
        Credentials c = Credentials.fromRegistryAuthHeader(b64("{\"auth\":\"" + auth + "\"}"));
        assertEquals(Credentials.basic("bob", "pa:ss"), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"e30=", "e30", "", "   "})
    void emptyObjectAndEmptyHeaderMeanNoCredentials(String header) {
        assertTrue(Credentials.fromRegistryAuthHeader(header).isEmpty());
    }

    @Test
    void nullHeaderMeansNoCredentials() {
        assertTrue(Credentials.fromRegistryAuthHeader(null).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!!notbase64", "W10=", "bm90IGpzb24=", "eyJ1c2VybmFtZSI6MX0="})
    void malformedHeadersAreInvalidArguments(String header) {
        // W10= is "[]", bm90IGpzb24= is "not json", the last is {"username":1}
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Credentials.fromRegistryAuthHeader(header));
        assertTrue(e.getMessage().startsWith("invalid X-Registry-Auth header"), e.getMessage());
    }

    @Test
    void oversizedHeaderIsRefused() {
        assertThrows(InvalidArgumentException.class,
                () -> Credentials.fromRegistryAuthHeader("A".repeat(Credentials.MAX_HEADER_LENGTH + 4)));
    }

    @Test
    void toStringNeverShowsSecrets() {
        String s = new Credentials("alice", "hunter2", "idtok", "regtok").toString();
        assertFalse(s.contains("hunter2") || s.contains("idtok") || s.contains("regtok"), s);
        assertTrue(s.contains("alice"), s);
    }

    @Test
    void emptinessAndPasswords() {
        assertTrue(Credentials.none().isEmpty());
        assertTrue(new Credentials(" ", "", null, " ").isEmpty());
        assertFalse(Credentials.basic("a", "b").isEmpty());
        assertTrue(Credentials.basic("a", "b").hasPassword());
        assertFalse(new Credentials("a", null, "tok", null).hasPassword());
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
