package dev.berth.engine.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.layout.OciLayout;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/**
 * The registry client against a real registry (distribution's docker-registry on 127.0.0.1, plain HTTP)
 * holding the fixture images: pull-side reads, ranges, existence checks and a push read back.
 */
class RegistryClientIT {
    static RegistryFixture registry;
    static OciLayout layout;
    static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRegistry();
        layout = FixtureImages.layout();
        registry = RegistryFixture.start();
        FixtureImages.pushAll(layout, registry.baseUri());
        client = new RegistryClient(RegistryConfig.defaults(List.of()), CredentialSource.none());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static RepositorySession session(String repository, boolean push) {
        return client.session(Reference.parse(registry.host() + "/" + repository), null, push);
    }

    /** The arm64 image of the multiarch index, as the registry serves it. */
    static ImageManifest multiarchChild(RepositorySession s) {
        ImageIndex index = Json.read(s.fetchManifest("latest").body(), ImageIndex.class);
        Descriptor child = index.manifests().stream()
                .filter(d -> d.platform() != null && "arm64".equals(d.platform().architecture()))
                .findFirst().orElseThrow();
        return Json.read(s.fetchManifest(child.digest().toString()).body(), ImageManifest.class);
    }

    @Test
    void fetchesTheMultiarchIndexAndAChildManifestByDigest() throws Exception {
        RepositorySession s = session("multiarch", false);
        Descriptor tagged = layout.find("multiarch:latest").orElseThrow();
        RepositorySession.FetchedManifest index = s.fetchManifest("latest");
        assertEquals(MediaTypes.OCI_INDEX, index.mediaType());
        assertEquals(tagged.digest(), index.digest());
        assertArrayEquals(layout.readBlob(tagged.digest()), index.body());

        List<Descriptor> children = Json.read(index.body(), ImageIndex.class).manifests();
        assertEquals(2, children.size());
        Descriptor child = children.get(1);
        RepositorySession.FetchedManifest m = s.fetchManifest(child.digest().toString());
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(child.digest(), m.digest());
        assertEquals(child.size(), m.body().length);
    }

    @Test
    void opensALayerFromTheStartAndFromTheMiddle() throws Exception {
        RepositorySession s = session("multiarch", false);
        Descriptor layer = multiarchChild(s).layers().getFirst();
        byte[] whole;
        try (RepositorySession.BlobResponse b = s.openBlob(layer.digest(), 0)) {
            assertEquals(0, b.startOffset());
            whole = b.body().readAllBytes();
        }
        assertEquals(layer.size(), whole.length);
        assertEquals(layer.digest(), Digest.sha256(whole));

        long middle = layer.size() / 2;
        try (RepositorySession.BlobResponse b = s.openBlob(layer.digest(), middle)) {
            assertEquals(middle, b.startOffset(), "docker-registry answers a Range with 206");
            assertEquals(layer.size() - middle, b.contentLength());
            assertArrayEquals(Arrays.copyOfRange(whole, (int) middle, whole.length), b.body().readAllBytes());
        }
    }

    @Test
    void tellsWhichBlobsExist() {
        RepositorySession s = session("multiarch", false);
        Descriptor layer = multiarchChild(s).layers().getFirst();
        assertTrue(s.blobExists(layer.digest()));
        assertFalse(s.blobExists(Digest.sha256("not a blob".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void missingManifestsAndBlobsAreNotFoundInDockersWords() {
        RepositorySession s = session("multiarch", false);
        NotFoundException e = assertThrows(NotFoundException.class, () -> s.fetchManifest("nope"));
        assertEquals("manifest for " + registry.host() + "/multiarch:nope not found: manifest unknown: manifest unknown",
                e.getMessage());
        Digest absent = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8));
        NotFoundException b = assertThrows(NotFoundException.class, () -> s.openBlob(absent, 0).close());
        assertTrue(b.getMessage().startsWith("blob " + absent + " not found in " + registry.host() + "/multiarch"),
                b.getMessage());
    }

    @Test
    void pushesBlobsAndAManifestAndReadsThemBack() throws Exception {
        RepositorySession s = session("berth-it/pushed", true);
        byte[] config = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.sha256(config);
        assertFalse(s.blobExists(configDigest));
        s.uploadBlob(configDigest, config.length, () -> new ByteArrayInputStream(config), null);
        assertTrue(s.blobExists(configDigest));

        Descriptor layer = multiarchChild(session("multiarch", false)).layers().getFirst();
        assertTrue(s.mountBlob(layer.digest(), "multiarch"), "docker-registry mounts across repositories");
        assertTrue(s.blobExists(layer.digest()));

        byte[] manifest = Json.write(new ImageManifest(2, MediaTypes.OCI_MANIFEST,
                Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, config.length), List.of(layer), null));
        Digest pushed = s.putManifest("v1", MediaTypes.OCI_MANIFEST, manifest);
        assertEquals(Digest.sha256(manifest), pushed);

        RepositorySession.FetchedManifest back = session("berth-it/pushed", false).fetchManifest("v1");
        assertArrayEquals(manifest, back.body());
        assertEquals(pushed, back.digest());
        assertEquals(MediaTypes.OCI_MANIFEST, back.mediaType());
        assertArrayEquals(manifest, s.fetchManifest(pushed.toString()).body());
    }

    @Test
    void streamsABigLayerUpWithProgress() throws Exception {
        ImageManifest big = Json.read(session("big", false).fetchManifest("latest").body(), ImageManifest.class);
        Descriptor layer = big.layers().getLast();
        RepositorySession s = session("berth-it/big", true);
        AtomicLong progress = new AtomicLong();
        s.uploadBlob(layer.digest(), layer.size(), () -> layout.openBlob(layer.digest()), progress::set);
        assertEquals(layer.size(), progress.get());
        assertTrue(s.blobExists(layer.digest()));
    }

    @Test
    void basicAuthRegistriesNeedTheRightCredentials(@TempDir Path dir) throws Exception {
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, "alice:" + BCrypt.hashpw("wonderland", BCrypt.gensalt(4)) + "\n");
        String auth = """
                auth:
                  htpasswd:
                    realm: berth-it
                    path: %s
                """.formatted(htpasswd);
        try (RegistryFixture secured = RegistryFixture.start(auth);
             RegistryClient c = new RegistryClient(RegistryConfig.defaults(List.of()), CredentialSource.none())) {
            assertNull(c.login(secured.host(), Credentials.basic("alice", "wonderland")));
            UnauthorizedException wrong = assertThrows(UnauthorizedException.class,
                    () -> c.login(secured.host(), Credentials.basic("alice", "queen")));
            assertEquals("unauthorized: authentication required", wrong.getMessage());

            Reference ref = Reference.parse(secured.host() + "/private");
            byte[] blob = "secret layer".getBytes(StandardCharsets.UTF_8);
            c.session(ref, Credentials.basic("alice", "wonderland"), true)
                    .uploadBlob(Digest.sha256(blob), blob.length, () -> new ByteArrayInputStream(blob), null);
            assertTrue(c.session(ref, Credentials.basic("alice", "wonderland"), false).blobExists(Digest.sha256(blob)));
            UnauthorizedException anonymous = assertThrows(UnauthorizedException.class,
                    () -> c.session(ref, null, false).blobExists(Digest.sha256(blob)));
            assertEquals("unauthorized: authentication required", anonymous.getMessage());
        }
    }
}
