package dev.berth.engine.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthChallengeTest {

    @Test
    void parsesDockerHubsBearerChallenge() {
        List<AuthChallenge> cs = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertEquals(1, cs.size());
        assertEquals("bearer", cs.getFirst().scheme());
        assertEquals(Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io",
                "scope", "repository:library/busybox:pull"), cs.getFirst().params());
    }

    @Test
    void splitsSeveralChallengesInOneHeaderAndKeepsCommasInsideQuotes() {
        List<AuthChallenge> cs = AuthChallenge.parse(
                "Basic realm=\"a, b\", Bearer realm=\"https://t/x\", scope=\"repository:a:pull,push\",Negotiate");
        assertEquals(List.of("basic", "bearer", "negotiate"), cs.stream().map(AuthChallenge::scheme).toList());
        assertEquals("a, b", cs.get(0).param("realm"));
        assertEquals("repository:a:pull,push", cs.get(1).param("scope"));
        assertEquals(Map.of(), cs.get(2).params());
    }

    @Test
    void unescapesBackslashesInQuotedStrings() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"say \\\"hi\\\" \\\\ there\"").getFirst();
        assertEquals("say \"hi\" \\ there", c.param("realm"));
    }

    @Test
    void schemesAndParameterNamesAreCaseInsensitiveAndSpacesAroundEqualsAreAllowed() {
        AuthChallenge c = AuthChallenge.parse("BEARER Realm = \"https://t\" ,\tSERVICE=reg").getFirst();
        assertEquals("bearer", c.scheme());
        assertEquals("https://t", c.param("realm"));
        assertEquals("reg", c.param("service"));
    }

    @Test
    void acceptsToken68AndUnquotedTokens() {
        List<AuthChallenge> cs = AuthChallenge.parse("Custom abc+/def==, Basic realm=registry");
        assertEquals("abc+/def==", cs.get(0).token68());
        assertNull(cs.get(1).token68());
        assertEquals("registry", cs.get(1).param("realm"));
    }

    @Test
    void aBareWordAfterTheSchemeIsToken68NotAParameter() {
        assertEquals("realm", AuthChallenge.parse("Bearer realm").getFirst().token68());
    }

    @Test
    void emptyHeadersHaveNoChallenges() {
        assertTrue(AuthChallenge.parse("").isEmpty());
        assertTrue(AuthChallenge.parse(" , ,, ").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Bearer realm=\"unterminated",
        "Bearer realm=\"x\\",
        "Bearer realm=,service=x",
        "Bearer realm=\"a\" service=\"b\"",
        "Bearer realm=\"a\", realm=\"b\"",
        "=realm",
        "\"Bearer\"",
        "Bearer\"realm\"",
        "Bearer realm=\"a\"garbage",
    })
    void refusesMalformedHeadersWithIllegalArgumentException(String header) {
        assertThrows(IllegalArgumentException.class, () -> AuthChallenge.parse(header));
    }

    @Test
    void refusesNullAndOversizedHeaders() {
        assertThrows(IllegalArgumentException.class, () -> AuthChallenge.parse(null));
        String huge = "Bearer realm=\"" + "a".repeat(AuthChallenge.MAX_HEADER_LENGTH) + "\"";
        assertThrows(IllegalArgumentException.class, () -> AuthChallenge.parse(huge));
    }

    @Test
    void paramsAreImmutable() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=x").getFirst();
        assertThrows(UnsupportedOperationException.class, () -> c.params().put("realm", "evil"));
    }
}
