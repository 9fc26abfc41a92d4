package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.basic;
import static dev.berth.engine.image.registry.RegistryTestSupport.client;
import static dev.berth.engine.image.registry.RegistryTestSupport.guarded;
import static dev.berth.engine.image.registry.RegistryTestSupport.ref;
import static dev.berth.engine.image.registry.RegistryTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.SystemException;
import dev.berth.engine.image.registry.FakeServer.Reply;
import dev.berth.oci.Digest;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redirects are followed by the client itself, and Authorization only ever goes to the registry's own
 * origin: a blob redirected to object storage must not carry the user's credentials (§2.7).
 */
class RegistryRedirectTest {
    static final byte[] BLOB = utf8("layer bytes");
    static final Digest DIGEST = Digest.sha256(BLOB);
    static final String BLOB_PATH = "/v2/app/blobs/" + DIGEST;
    static final String SECRET = basic("alice", "pw");

    FakeServer registry;
    FakeServer storage;
    RegistryClient client;
    RepositorySession session;

    @BeforeEach
    void start() throws Exception {
        registry = FakeServer.start();
        storage = FakeServer.start();
        client = client();
        session = client.session(ref(registry, "app"), Credentials.basic("alice", "pw"), false);
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
        storage.close();
    }

    private void registryRedirectsTo(String location, int status) {
        registry.on("GET", BLOB_PATH, guarded(SECRET::equals, "Basic realm=\"r\"",
                req -> Reply.of(status).with("Location", location)));
    }

    private byte[] download() throws Exception {
        try (RepositorySession.BlobResponse b = session.openBlob(DIGEST, 0)) {
            return b.body().readAllBytes();
        }
    }

    @Test
    void aRedirectToAnotherHostDropsAuthorization() throws Exception {
        registryRedirectsTo(storage.uri("/bucket/blob?sig=abc").toString(), 307);
        storage.on("GET", "/bucket/blob", req -> Reply.bytes(200, BLOB));
        assertArrayEquals(BLOB, download());
        assertEquals(SECRET, registry.seen("GET", BLOB_PATH).getLast().header("Authorization"),
                "the registry itself did get the credentials");
        assertEquals(1, storage.seen.size());
        assertNull(storage.seen.getFirst().header("Authorization"), "object storage must never see them");
        assertEquals("sig=abc", storage.seen.getFirst().query());
    }

    @Test
    void aRedirectToAnotherHostNameOnTheSamePortDropsAuthorization() throws Exception {
        // 127.0.0.1:P -> localhost:P is the same server but another origin, so no credentials either.
        String port = registry.hostPort().substring(registry.hostPort().lastIndexOf(':') + 1);
        registryRedirectsTo("http://localhost:" + port + "/elsewhere", 302);
        registry.on("GET", "/elsewhere", req -> Reply.bytes(200, BLOB));
        assertArrayEquals(BLOB, download());
        assertNull(registry.seen("GET", "/elsewhere").getFirst().header("Authorization"));
    }

    @Test
    void aSameOriginRedirectKeepsAuthorization() throws Exception {
        registryRedirectsTo("/v2/app/blobs/moved", 307);
        registry.on("GET", "/v2/app/blobs/moved", req -> Reply.bytes(200, BLOB));
        assertArrayEquals(BLOB, download());
        assertEquals(SECRET, registry.seen("GET", "/v2/app/blobs/moved").getFirst().header("Authorization"));
    }

    @Test
    void tenRedirectsAreFollowedAndAnEleventhIsRefused() throws Exception {
        registryRedirectsTo(storage.uri("/hop/1").toString(), 302);
        for (int i = 1; i <= 10; i++) {
            int next = i + 1;
            storage.on("GET", "/hop/" + i, req -> Reply.of(301).with("Location", "/hop/" + next));
        }
        storage.on("GET", "/hop/10", req -> Reply.bytes(200, BLOB));
        assertArrayEquals(BLOB, download(), "registry -> hop 1 ... hop 10 is ten redirects");

        storage.on("GET", "/hop/10", req -> Reply.of(302).with("Location", "/hop/11"));
        storage.on("GET", "/hop/11", req -> Reply.bytes(200, BLOB));
        SystemException e = assertThrows(SystemException.class, this::download);
        assertTrue(e.getMessage().contains("more than 10 redirects"), e.getMessage());
        assertEquals(0, storage.seen("GET", "/hop/11").size());
    }

    @Test
    void onlyHttpLocationsAreFollowed() {
        registryRedirectsTo("file:///etc/passwd", 302);
        SystemException e = assertThrows(SystemException.class, this::download);
        assertTrue(e.getMessage().contains("unusable Location"), e.getMessage());
    }

    @Test
    void originsCompareSchemeHostAndEffectivePort() {
        assertEquals(Origin.of(URI.create("http://Reg.example/a")), Origin.of(URI.create("http://reg.example:80/b")));
        assertEquals(Origin.of(URI.create("https://reg.example/")), Origin.of(URI.create("https://reg.example:443")));
        assertNotEquals(Origin.of(URI.create("http://reg.example:443/")), Origin.of(URI.create("https://reg.example/")));
        assertNotEquals(Origin.of(URI.create("https://reg.example/")), Origin.of(URI.create("https://reg.example:5000/")));
        assertNotEquals(Origin.of(URI.create("https://reg.example/")), Origin.of(URI.create("https://s3.example/")));
    }
}
