package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.OCI_MANIFEST;
import static dev.berth.engine.image.registry.RegistryTestSupport.client;
import static dev.berth.engine.image.registry.RegistryTestSupport.ref;
import static dev.berth.engine.image.registry.RegistryTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.image.registry.FakeServer.Reply;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fetching manifests: the Accept header, size and digest checks, media-type rules, Docker's 404 text. */
class RegistryManifestTest {
    static final String PATH = "/v2/app/manifests/latest";
    static final String INDEX = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[]}";
    FakeServer registry;
    RegistryClient client;
    RepositorySession session;

    @BeforeEach
    void start() throws Exception {
        registry = FakeServer.start();
        client = client();
        session = client.session(ref(registry, "app"), null, false);
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    private void serve(String path, String body, String contentType) {
        registry.on("GET", path, req -> {
            Reply r = Reply.bytes(200, utf8(body));
            return contentType == null ? r : r.with("Content-Type", contentType);
        });
    }

    private InvalidArgumentException refused(String body, String contentType) {
        serve(PATH, body, contentType);
        return assertThrows(InvalidArgumentException.class, () -> session.fetchManifest("latest"));
    }

    @Test
    void fetchesByTagAcceptingTheFourManifestTypes() {
        serve(PATH, OCI_MANIFEST, MediaTypes.OCI_MANIFEST);
        RepositorySession.FetchedManifest m = session.fetchManifest("latest");
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertArrayEquals(utf8(OCI_MANIFEST), m.body());
        assertEquals(Digest.sha256(utf8(OCI_MANIFEST)), m.digest());
        assertEquals("berth-test", registry.seen("GET", PATH).getFirst().header("User-Agent"));
        String accept = registry.seen("GET", PATH).getFirst().header("Accept");
        for (String t : new String[] {MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST,
            MediaTypes.DOCKER_MANIFEST}) {
            assertTrue(accept.contains(t), accept);
        }
    }

    @Test
    void fetchesByDigestAndVerifiesTheBody() {
        Digest d = Digest.sha256(utf8(INDEX));
        serve("/v2/app/manifests/" + d, INDEX, MediaTypes.OCI_INDEX);
        assertEquals(d, session.fetchManifest(d.toString()).digest());

        Digest other = Digest.sha256(utf8("something else"));
        serve("/v2/app/manifests/" + other, INDEX, MediaTypes.OCI_INDEX);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> session.fetchManifest(other.toString()));
        assertEquals("manifest verification failed for digest " + other, e.getMessage());
    }

    @Test
    void dockerContentDigestMustMatchTheBody() {
        Digest right = Digest.sha256(utf8(OCI_MANIFEST));
        registry.on("GET", PATH, req -> Reply.bytes(200, utf8(OCI_MANIFEST)).with("Docker-Content-Digest", right.toString()));
        assertEquals(right, session.fetchManifest("latest").digest());

        Digest wrong = Digest.sha256(utf8("tampered"));
        registry.on("GET", PATH, req -> Reply.bytes(200, utf8(OCI_MANIFEST)).with("Docker-Content-Digest", wrong.toString()));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> session.fetchManifest("latest"));
        assertEquals("manifest verification failed for digest " + wrong, e.getMessage());

        registry.on("GET", PATH, req -> Reply.bytes(200, utf8(OCI_MANIFEST)).with("Docker-Content-Digest", "sha256:../../x"));
        assertThrows(InvalidArgumentException.class, () -> session.fetchManifest("latest"));
    }

    @Test
    void aManifestOfExactly4MiBIsAcceptedAndOneByteMoreIsRefused() {
        String padded = pad(OCI_MANIFEST, RepositorySession.MAX_MANIFEST);
        serve(PATH, padded, MediaTypes.OCI_MANIFEST);
        assertEquals(RepositorySession.MAX_MANIFEST, session.fetchManifest("latest").body().length);

        InvalidArgumentException e = refused(pad(OCI_MANIFEST, RepositorySession.MAX_MANIFEST + 1), MediaTypes.OCI_MANIFEST);
        assertTrue(e.getMessage().contains("larger than the 4 MiB limit"), e.getMessage());
    }

    @Test
    void anEndlessManifestIsRefusedWithoutReadingItAll() {
        AtomicLong written = new AtomicLong();
        registry.onRaw("GET", PATH, (req, ex) -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length announced
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = ex.getResponseBody()) {
                out.write('{');
                for (int i = 0; i < 16 * 1024; i++) { // up to 1 GiB if nobody stops us
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException clientHungUp) {
                // expected
            }
        });
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> session.fetchManifest("latest"));
        assertTrue(e.getMessage().contains("4 MiB"), e.getMessage());
        assertTrue(written.get() < 64L << 20, "server could write " + written.get() + " bytes");
    }

    @Test
    void anAnnouncedLengthOver4MiBIsRefusedBeforeReading() {
        registry.onRaw("GET", PATH, (req, ex) -> {
            ex.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
            ex.sendResponseHeaders(200, 5L << 20);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(utf8(OCI_MANIFEST)); // then stalls: a client reading on would hang here
                out.flush();
                Thread.sleep(5_000);
            } catch (IOException | InterruptedException clientHungUp) {
                // expected
            }
        });
        long t0 = System.nanoTime();
        assertThrows(InvalidArgumentException.class, () -> session.fetchManifest("latest"));
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "the client waited for the body");
    }

    @Test
    void mediaTypeComesFromTheBodyAndMustAgreeWithContentType() {
        serve(PATH, OCI_MANIFEST, "application/vnd.oci.image.manifest.v1+json; charset=utf-8");
        assertEquals(MediaTypes.OCI_MANIFEST, session.fetchManifest("latest").mediaType());
        serve(PATH, OCI_MANIFEST, "application/json");
        assertEquals(MediaTypes.OCI_MANIFEST, session.fetchManifest("latest").mediaType(), "generic JSON is ignored");

        InvalidArgumentException e = refused(OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
        assertTrue(e.getMessage().contains("declares media type " + MediaTypes.OCI_MANIFEST), e.getMessage());
    }

    @Test
    void withoutAMediaTypeFieldContentTypeDecidesOrTheShapeDoes() {
        String bare = "{\"schemaVersion\":2,\"manifests\":[]}";
        serve(PATH, bare, MediaTypes.DOCKER_MANIFEST_LIST);
        assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, session.fetchManifest("latest").mediaType());
        serve(PATH, bare, null);
        assertEquals(MediaTypes.OCI_INDEX, session.fetchManifest("latest").mediaType());
        refused("{\"schemaVersion\":2}", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {MediaTypes.DOCKER_SCHEMA1, MediaTypes.DOCKER_SCHEMA1_SIGNED})
    void schema1IsRefusedAsNotSupported(String type) {
        String body = "{\"schemaVersion\":1,\"name\":\"app\",\"tag\":\"latest\",\"fsLayers\":[],\"history\":[]}";
        InvalidArgumentException e = refused(body, type);
        assertTrue(e.getMessage().contains("schema 1") && e.getMessage().contains("not supported"), e.getMessage());
        e = refused(body, null);
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void documentsThatAreBothIndexAndManifestAreRefused() {
        String both = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[],\"layers\":[]}";
        assertTrue(refused(both, MediaTypes.OCI_INDEX).getMessage().contains("ambiguous"));
        String indexWithConfig = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"config\":{}}";
        refused(indexWithConfig, null);
        String manifestWithManifests = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\","
                + "\"manifests\":[]}";
        refused(manifestWithManifests, null);
    }

    @Test
    void unknownMediaTypesAreRefusedByName() {
        String helm = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.cncf.helm.chart.v1+json\",\"layers\":[]}";
        InvalidArgumentException e = refused(helm, null);
        assertEquals("manifest media type application/vnd.cncf.helm.chart.v1+json of " + registry.hostPort()
                + "/app:latest is not supported", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"mediaType\":\"a\",\"mediaType\":\"b\"}", "{} {}", "",
        "{\"mediaType\":42}"})
    void malformedDocumentsAreRefusedClearly(String body) {
        InvalidArgumentException e = refused(body, MediaTypes.OCI_MANIFEST);
        assertTrue(e.getMessage().startsWith("manifest for " + registry.hostPort() + "/app:latest"), e.getMessage());
        assertTrue(!e.getMessage().contains("Exception") && !e.getMessage().contains("tools.jackson"), e.getMessage());
    }

    @Test
    void notFoundUsesDockersWordsAndTheRegistrysError() {
        registry.on("GET", "/v2/app/manifests/nope", req -> Reply.json(404,
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"nope\"}}]}"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> session.fetchManifest("nope"));
        assertEquals("manifest for " + registry.hostPort() + "/app:nope not found: manifest unknown: manifest unknown",
                e.getMessage());

        registry.on("GET", "/v2/app/manifests/gone", req -> Reply.of(404));
        e = assertThrows(NotFoundException.class, () -> session.fetchManifest("gone"));
        assertEquals("manifest for " + registry.hostPort() + "/app:gone not found: manifest unknown: manifest unknown",
                e.getMessage());

        registry.on("GET", "/v2/app/manifests/x", req -> Reply.json(404,
                "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}"));
        e = assertThrows(NotFoundException.class, () -> session.fetchManifest("x"));
        assertTrue(e.getMessage().endsWith("not found: name unknown: repository name not known to registry"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "a/b", "", "-tag", "sha256:../../x", "latest?x=1", "sha256:" + "A"})
    void tagsAndDigestsAreValidatedBeforeAnyRequest(String bad) {
        assertThrows(InvalidArgumentException.class, () -> session.fetchManifest(bad));
        assertEquals(0, registry.seen.size());
    }

    /** {@code json} grown to exactly {@code size} bytes with whitespace before its closing brace. */
    static String pad(String json, int size) {
        int close = json.lastIndexOf('}');
        return json.substring(0, close) + " ".repeat(size - json.length()) + "}";
    }
}
