package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.OCI_MANIFEST;
import static dev.berth.engine.image.registry.RegistryTestSupport.bearerChallenge;
import static dev.berth.engine.image.registry.RegistryTestSupport.client;
import static dev.berth.engine.image.registry.RegistryTestSupport.guarded;
import static dev.berth.engine.image.registry.RegistryTestSupport.ref;
import static dev.berth.engine.image.registry.RegistryTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.SystemException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.image.registry.FakeServer.Reply;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blob download (ranges), existence, cross-repository mount, upload and manifest push. */
class RegistryBlobTest {
    static final byte[] BLOB = new byte[100];
    static final Digest DIGEST;

    static {
        for (int i = 0; i < BLOB.length; i++) {
            BLOB[i] = (byte) i;
        }
        DIGEST = Digest.sha256(BLOB);
    }

    static final String BLOB_PATH = "/v2/app/blobs/" + DIGEST;
    FakeServer registry;
    RegistryClient client;
    RepositorySession session;

    @BeforeEach
    void start() throws Exception {
        registry = FakeServer.start();
        client = client();
        session = client.session(ref(registry, "app"), null, true);
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    /** Serves BLOB honouring "Range: bytes=N-" with 206, as docker-registry does. */
    private void serveBlobWithRanges() {
        registry.on("GET", BLOB_PATH, req -> {
            String range = req.header("Range");
            if (range == null) {
                return Reply.bytes(200, BLOB);
            }
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            if (from >= BLOB.length) {
                return Reply.of(416);
            }
            return Reply.bytes(206, Arrays.copyOfRange(BLOB, from, BLOB.length))
                    .with("Content-Range", "bytes " + from + "-" + (BLOB.length - 1) + "/" + BLOB.length);
        });
    }

    @Test
    void opensABlobFromTheStart() throws Exception {
        serveBlobWithRanges();
        try (RepositorySession.BlobResponse b = session.openBlob(DIGEST, 0)) {
            assertEquals(0, b.startOffset());
            assertEquals(BLOB.length, b.contentLength());
            assertArrayEquals(BLOB, b.body().readAllBytes());
        }
        assertNull(registry.seen("GET", BLOB_PATH).getFirst().header("Range"));
    }

    @Test
    void resumesFromAnOffsetWithARangeRequest() throws Exception {
        serveBlobWithRanges();
        try (RepositorySession.BlobResponse b = session.openBlob(DIGEST, 40)) {
            assertEquals(40, b.startOffset());
            assertEquals(60, b.contentLength());
            assertArrayEquals(Arrays.copyOfRange(BLOB, 40, 100), b.body().readAllBytes());
        }
        assertEquals("bytes=40-", registry.seen("GET", BLOB_PATH).getFirst().header("Range"));
    }

    @Test
    void aServerIgnoringRangeMeansStartingOver() throws Exception {
        registry.on("GET", BLOB_PATH, req -> Reply.bytes(200, BLOB));
        try (RepositorySession.BlobResponse b = session.openBlob(DIGEST, 40)) {
            assertEquals(0, b.startOffset());
            assertArrayEquals(BLOB, b.body().readAllBytes());
        }
    }

    @Test
    void anUnsatisfiableRangeRestartsFromZero() throws Exception {
        serveBlobWithRanges();
        try (RepositorySession.BlobResponse b = session.openBlob(DIGEST, 100)) {
            assertEquals(0, b.startOffset());
            assertArrayEquals(BLOB, b.body().readAllBytes());
        }
        assertEquals(Arrays.asList("bytes=100-", null),
                registry.seen("GET", BLOB_PATH).stream().map(s -> s.header("Range")).toList());
    }

    @Test
    void aPartialAnswerForTheWrongRangeIsRefused() {
        registry.on("GET", BLOB_PATH, req -> Reply.bytes(206, Arrays.copyOfRange(BLOB, 10, 100))
                .with("Content-Range", "bytes 10-99/100"));
        SystemException e = assertThrows(SystemException.class, () -> session.openBlob(DIGEST, 40));
        assertTrue(e.getMessage().contains("bytes 10-99/100"), e.getMessage());
    }

    @Test
    void aMissingBlobIsNotFoundNamingItsDigest() {
        registry.on("GET", BLOB_PATH, req -> Reply.json(404,
                "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> session.openBlob(DIGEST, 0));
        assertEquals("blob " + DIGEST + " not found in " + registry.hostPort() + "/app: blob unknown: blob unknown to registry",
                e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> session.openBlob(DIGEST, -1));
    }

    @Test
    void blobExistsIsAHead() {
        registry.on("HEAD", BLOB_PATH, req -> Reply.of(200).with("Content-Length", "100"));
        assertTrue(session.blobExists(DIGEST));
        Digest other = Digest.sha256(utf8("other"));
        assertFalse(session.blobExists(other));
        registry.on("HEAD", "/v2/app/blobs/" + other, req -> Reply.of(500));
        assertThrows(UnavailableException.class, () -> session.blobExists(other));
    }

    @Test
    void mountReturnsTrueOn201AndAsksForPullOnTheSourceRepository() throws Exception {
        try (FakeServer tokens = FakeServer.start()) {
            List<String> scopes = new CopyOnWriteArrayList<>();
            tokens.on("GET", "/token", req -> {
                scopes.addAll(req.params().get("scope"));
                return Reply.json(200, "{\"token\":\"t\"}");
            });
            registry.on("POST", "/v2/app/blobs/uploads/", guarded("Bearer t"::equals, bearerChallenge(tokens),
                    req -> Reply.of(201).with("Location", BLOB_PATH)));
            assertTrue(session.mountBlob(DIGEST, "library/base"));
            FakeServer.Seen post = registry.seen("POST", "/v2/app/blobs/uploads/").getLast();
            assertEquals(List.of(DIGEST.toString()), post.params().get("mount"));
            assertEquals(List.of("library/base"), post.params().get("from"));
            assertEquals(List.of("repository:app:pull,push", "repository:library/base:pull"), scopes);
        }
        assertThrows(InvalidArgumentException.class, () -> session.mountBlob(DIGEST, "../other"));
    }

    @Test
    void aRefusedMountOpensTheUploadThatTheNextUploadUses() {
        registry.on("POST", "/v2/app/blobs/uploads/", req -> Reply.of(202)
                .with("Location", "/v2/app/blobs/uploads/from-mount?_state=m"));
        registry.on("PUT", "/v2/app/blobs/uploads/from-mount", req -> Reply.of(201).with("Docker-Content-Digest", DIGEST.toString()));
        assertFalse(session.mountBlob(DIGEST, "other"));
        session.uploadBlob(DIGEST, BLOB.length, () -> new ByteArrayInputStream(BLOB), null);
        assertEquals(1, registry.seen("POST", "/v2/app/blobs/uploads/").size(), "no second POST");
        assertEquals("_state=m&digest=" + DIGEST, registry.seen("PUT", "/v2/app/blobs/uploads/from-mount").getFirst().query());
    }

    @Test
    void uploadsPostThenPutExactlyTheDeclaredBytesToARelativeLocationWithAQuery() {
        registry.on("POST", "/v2/app/blobs/uploads/", req -> Reply.of(202)
                .with("Location", "/v2/app/blobs/uploads/u-1?_state=abc"));
        registry.on("PUT", "/v2/app/blobs/uploads/u-1", req -> Reply.of(201));
        List<Long> progress = new CopyOnWriteArrayList<>();
        byte[] longer = Arrays.copyOf(BLOB, 150); // the source has more than size: only size bytes go out
        session.uploadBlob(DIGEST, BLOB.length, () -> new ByteArrayInputStream(longer), progress::add);
        FakeServer.Seen put = registry.seen("PUT", "/v2/app/blobs/uploads/u-1").getFirst();
        assertEquals("_state=abc&digest=" + DIGEST, put.query());
        assertArrayEquals(BLOB, put.body());
        assertEquals("100", put.header("Content-Length"));
        assertEquals("application/octet-stream", put.header("Content-Type"));
        assertEquals(100L, progress.getLast());
    }

    @Test
    void anAbsoluteUploadLocationOnAnotherHostGetsNoCredentials() throws Exception {
        try (FakeServer uploads = FakeServer.start()) {
            registry.on("POST", "/v2/app/blobs/uploads/", guarded(RegistryTestSupport.basic("u", "p")::equals,
                    "Basic realm=\"r\"", req -> Reply.of(202).with("Location", uploads.uri("/up/1").toString())));
            uploads.on("PUT", "/up/1", req -> Reply.of(201));
            client.session(ref(registry, "app"), Credentials.basic("u", "p"), true)
                    .uploadBlob(DIGEST, BLOB.length, () -> new ByteArrayInputStream(BLOB), null);
            FakeServer.Seen put = uploads.seen("PUT", "/up/1").getFirst();
            assertEquals("digest=" + DIGEST, put.query());
            assertNull(put.header("Authorization"));
        }
    }

    @Test
    void aShortSourceFailsTheUploadAsALocalError() {
        registry.on("POST", "/v2/app/blobs/uploads/", req -> Reply.of(202).with("Location", "/v2/app/blobs/uploads/u"));
        registry.on("PUT", "/v2/app/blobs/uploads/u", req -> Reply.of(201));
        SystemException e = assertThrows(SystemException.class, () -> session.uploadBlob(DIGEST, BLOB.length,
                () -> new ByteArrayInputStream(BLOB, 0, 60), null));
        assertTrue(e.getMessage().contains("ended after 60 of 100 bytes"), e.getMessage());
    }

    @Test
    void anEmptyBlobUploadsWithZeroLength() {
        registry.on("POST", "/v2/app/blobs/uploads/", req -> Reply.of(202).with("Location", "/v2/app/blobs/uploads/e"));
        registry.on("PUT", "/v2/app/blobs/uploads/e", req -> Reply.of(201));
        Digest empty = Digest.sha256(new byte[0]);
        session.uploadBlob(empty, 0, () -> new ByteArrayInputStream(new byte[0]), null);
        assertEquals(0, registry.seen("PUT", "/v2/app/blobs/uploads/e").getFirst().body().length);
    }

    @Test
    void theRegistrysDigestForAnUploadMustBeOurs() {
        registry.on("POST", "/v2/app/blobs/uploads/", req -> Reply.of(202).with("Location", "/v2/app/blobs/uploads/u"));
        registry.on("PUT", "/v2/app/blobs/uploads/u", req -> Reply.of(201)
                .with("Docker-Content-Digest", Digest.sha256(utf8("x")).toString()));
        assertThrows(SystemException.class,
                () -> session.uploadBlob(DIGEST, BLOB.length, () -> new ByteArrayInputStream(BLOB), null));
    }

    @Test
    void putsManifestsAndChecksTheAnnouncedDigest() {
        Digest d = Digest.sha256(utf8(OCI_MANIFEST));
        registry.on("PUT", "/v2/app/manifests/v1", req -> Reply.of(201).with("Docker-Content-Digest", d.toString()));
        assertEquals(d, session.putManifest("v1", MediaTypes.OCI_MANIFEST, utf8(OCI_MANIFEST)));
        FakeServer.Seen put = registry.seen("PUT", "/v2/app/manifests/v1").getFirst();
        assertEquals(MediaTypes.OCI_MANIFEST, put.header("Content-Type"));
        assertArrayEquals(utf8(OCI_MANIFEST), put.body());

        registry.on("PUT", "/v2/app/manifests/v2", req -> Reply.of(201)
                .with("Docker-Content-Digest", Digest.sha256(utf8("other")).toString()));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> session.putManifest("v2", MediaTypes.OCI_MANIFEST, utf8(OCI_MANIFEST)));
        assertTrue(e.getMessage().startsWith("manifest verification failed for digest"), e.getMessage());
    }

    @Test
    void aManifestPutByDigestMustMatchItBeforeSending() {
        Digest wrong = Digest.sha256(utf8("not it"));
        assertThrows(InvalidArgumentException.class,
                () -> session.putManifest(wrong.toString(), MediaTypes.OCI_MANIFEST, utf8(OCI_MANIFEST)));
        assertEquals(0, registry.seen("PUT", "/v2/app/manifests/" + wrong).size());
    }

    @Test
    void aRejectedManifestCarriesTheRegistrysMessage() {
        registry.on("PUT", "/v2/app/manifests/v1", req -> Reply.json(400,
                "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> session.putManifest("v1", MediaTypes.OCI_MANIFEST, utf8(OCI_MANIFEST)));
        assertTrue(e.getMessage().contains("HTTP 400: manifest blob unknown: blob unknown to registry"), e.getMessage());
    }
}
