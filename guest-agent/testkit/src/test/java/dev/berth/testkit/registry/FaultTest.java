package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTest {
    private final List<Fault> installed = new ArrayList<>();

    private Fault.Builder on(String method, String path) {
        return new Fault.Builder(method, path, installed::add);
    }

    @Test
    void aOneShotFaultAppliesToTheFirstNMatchingRequestsOnly() {
        Fault f = on("GET", "/v2/big/blobs/sha256:.*").times(2).truncate();
        assertEquals(List.of(f), installed);
        assertFalse(f.claim("GET", "/v2/busybox/blobs/sha256:ab", false), "other repository");
        assertFalse(f.claim("HEAD", "/v2/big/blobs/sha256:ab", false), "other method");
        assertTrue(f.claim("get", "/v2/big/blobs/sha256:ab", false));
        assertTrue(f.claim("GET", "/v2/big/blobs/sha256:cd", false));
        assertFalse(f.claim("GET", "/v2/big/blobs/sha256:ab", false), "used up");
        assertEquals(2, f.hits());
    }

    @Test
    void aPermanentFaultNeverRunsOut() {
        Fault f = on("*", "/v2/.*").always().respond(500, "application/json", "{}");
        for (int i = 0; i < 1000; i++) {
            assertTrue(f.claim(i % 2 == 0 ? "GET" : "PUT", "/v2/x", false));
        }
        assertEquals(1000, f.hits());
    }

    @Test
    void thePathMustMatchWholeWithoutTheQuery() {
        Fault f = on("GET", "/v2/").once().delay(java.time.Duration.ZERO);
        assertFalse(f.claim("GET", "/v2/busybox/manifests/latest", false));
        assertTrue(f.claim("GET", "/v2/", false));
    }

    @Test
    void ignoreRangeOnlyTakesRangedRequests() {
        Fault f = on("GET", ".*").once().ignoreRange();
        assertFalse(f.claim("GET", "/v2/x/blobs/sha256:ab", false));
        assertTrue(f.claim("GET", "/v2/x/blobs/sha256:ab", true));
        assertInstanceOf(Fault.IgnoreRange.class, f.action());
    }

    @Test
    void nonsenseIsRefusedWhenProgrammed() {
        assertThrows(IllegalArgumentException.class, () -> on("GET", ".*").cutAfter(1.0));
        assertThrows(IllegalArgumentException.class, () -> on("GET", ".*").cutAfter(-0.1));
        assertThrows(IllegalArgumentException.class, () -> on("GET", ".*").times(0));
        assertThrows(java.util.regex.PatternSyntaxException.class, () -> on("GET", "(("));
        assertTrue(installed.isEmpty());
    }

    @Test
    void locationsPointingAtTheUpstreamArePointedBackAtTheProxy() {
        try (Upstream u = new Upstream("http://127.0.0.1:5000", "http://127.0.0.1:6000")) {
            assertLocations(u);
        }
    }

    private static void assertLocations(Upstream u) {
        assertEquals("http://127.0.0.1:6000/v2/x/blobs/uploads/u?_state=a%3D",
                u.rewriteLocation("http://127.0.0.1:5000/v2/x/blobs/uploads/u?_state=a%3D"));
        assertEquals("/v2/x/blobs/uploads/u", u.rewriteLocation("/v2/x/blobs/uploads/u"));
        assertEquals("http://127.0.0.1:50001/v2/", u.rewriteLocation("http://127.0.0.1:50001/v2/"));
        assertEquals("https://cdn.example/blob", u.rewriteLocation("https://cdn.example/blob"));
    }

    @Test
    void relayedHeaderNamesAreSpelledAsGoSpellsThem() {
        assertEquals("Docker-Content-Digest", Upstream.canonical("docker-content-digest"));
        assertEquals("Www-Authenticate", Upstream.canonical("WWW-AUTHENTICATE"));
        assertEquals("Etag", Upstream.canonical("etag"));
    }
}
