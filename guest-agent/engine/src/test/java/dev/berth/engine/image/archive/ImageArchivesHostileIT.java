package dev.berth.engine.image.archive;

import static dev.berth.engine.image.archive.ArchiveFixtures.file;
import static dev.berth.engine.image.archive.ArchiveFixtures.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import dev.berth.oci.RuntimeConfig;
import dev.berth.oci.tar.TarEntry;
import dev.berth.oci.tar.TarWriter;
import dev.berth.testkit.Requirements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile archives for docker load: each is refused with a message naming the problem, registers nothing,
 * stores no blob or layer, leaves staging empty and writes nothing outside it. Each starts from a valid
 * archive ({@link #theValidArchiveLoads} proves it loads), so a refusal is the mutation's doing.
 */
class ImageArchivesHostileIT {
    ArchiveTestStores stores;
    String marker;
    byte[] layer;
    Digest diffId;

    @BeforeEach
    void setUp() throws IOException {
        Requirements.requireRoot();
        stores = new ArchiveTestStores();
        marker = "berth-evil-" + UUID.randomUUID();
        layer = tar(t -> file(t, "hello.txt", "hello\n".getBytes()));
        diffId = Digest.sha256(layer);
    }

    @AfterEach
    void tearDown() {
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void theValidArchiveLoads() throws IOException {
        assertEquals(List.of("Loaded image: evil:1"), stores.archives.load(in(archive(layer, config(diffId), ""))));
    }

    @Test
    void entryWithDotDotIsRefused() throws IOException {
        refused(archive(layer, config(diffId), "../" + marker), "outside the archive");
        refused(archive(layer, config(diffId), "blobs/../../" + marker), "outside the archive");
    }

    @Test
    void absoluteEntryIsRefused() throws IOException {
        refused(archive(layer, config(diffId), "/tmp/" + marker), "absolute path");
    }

    @Test
    void symlinkOutOfTheArchiveAndAFileThroughItAreRefused() throws IOException {
        byte[] out = tar(t -> {
            t.write(TarEntry.symlink("escape", "../../../../../../tmp", 0), new byte[0]);
            file(t, "escape/" + marker, "owned\n".getBytes());
        });
        refused(out, "symlink to ../../../../../../tmp, outside the archive");
        byte[] through = tar(t -> {
            t.write(TarEntry.directory("inside/", 0755, 0), new byte[0]);
            t.write(TarEntry.symlink("link", "inside", 0), new byte[0]);
            file(t, "link/" + marker, "owned\n".getBytes());
        });
        refused(through, "passes through the symlink link");
    }

    @Test
    void manifestPathsOutsideTheArchiveAreRefused() throws IOException {
        refused(withManifest("[{\"Config\":\"../../etc/passwd\",\"RepoTags\":[],\"Layers\":[]}]"),
                "config ../../etc/passwd points outside the archive");
        refused(withManifest("[{\"Config\":\"/etc/passwd\",\"RepoTags\":[],\"Layers\":[]}]"),
                "config /etc/passwd is an absolute path");
        byte[] config = config(diffId);
        String cfg = "blobs/sha256/" + Digest.sha256(config).hex();
        refused(withManifest("[{\"Config\":\"" + cfg + "\",\"Layers\":[\"../../etc/passwd\"]}]"),
                "layer ../../etc/passwd points outside the archive");
        refused(withManifest("[{\"Config\":\"" + cfg + "\",\"Layers\":[\"/etc/shadow\"]}]"),
                "layer /etc/shadow is an absolute path");
    }

    @Test
    void layerNotMatchingItsDiffIdIsRefused() throws IOException {
        Digest other = Digest.sha256("not this layer".getBytes());
        refused(archive(layer, config(other), ""), "does not match its diff ID");
        refused(archive(gzip(layer), config(other), ""), "does not match its diff ID");
    }

    /**
     * Both the blob and the layer named are already stored, but not as a pair: the blob must still be
     * checked, or the image would record (and later push) a blob that is not its layer.
     */
    @Test
    void storedBlobPairedWithAnotherStoredLayerIsRefused() throws IOException {
        byte[] other = tar(t -> file(t, "other.txt", "other\n".getBytes()));
        byte[] gzOther = gzip(other);
        stores.archives.load(in(archive(gzip(layer), config(diffId), "")));
        stores.archives.load(in(archive(gzOther, config(Digest.sha256(other)), "")));
        int images = stores.images.all().size();
        byte[] newConfig = Json.write(new ImageConfig("2025-01-01T00:00:00Z", null, "amd64", "linux", null, null,
                RuntimeConfig.empty(), new ImageConfig.RootFs("layers", List.of(diffId)), null));
        byte[] mixed = archive(gzOther, newConfig, "");
        Exception e = assertThrows(InvalidArgumentException.class, () -> stores.archives.load(in(mixed)));
        assertTrue(e.getMessage().contains("does not match its diff ID"), e.getMessage());
        assertEquals(images, stores.images.all().size(), "no image was added");
        assertTrue(stores.images.find(Digest.sha256(newConfig).toString()).isEmpty());
        assertTrue(stores.stagingEmpty());
    }

    @Test
    void configNotMatchingItsFileNameIsRefused() throws IOException {
        byte[] config = config(diffId);
        Digest wrong = Digest.sha256("another config".getBytes());
        byte[] a = tar(t -> {
            file(t, "blobs/sha256/" + wrong.hex(), config);
            file(t, "blobs/sha256/" + diffId.hex(), layer);
            file(t, "manifest.json", manifestJson("blobs/sha256/" + wrong.hex(), "blobs/sha256/" + diffId.hex()));
        });
        refused(a, "config blobs/sha256/" + wrong.hex() + " does not match its digest");
    }

    @Test
    void manifestJsonThatIsNotJsonIsRefused() throws IOException {
        refused(withManifest("this is { not json"), "invalid manifest.json");
        refused(withManifest("null"), "manifest cannot be null");
    }

    @Test
    void hugeManifestJsonIsRefusedWithoutReadingIt() throws IOException {
        Path big = stores.dir.resolve("big.tar");
        long size = 50L << 20;
        try (OutputStream out = Files.newOutputStream(big); TarWriter t = new TarWriter(out)) {
            t.write(TarEntry.file("manifest.json", 0644, size, 0), new Spaces(size));
        }
        try (InputStream in = Files.newInputStream(big)) {
            refused(in, "manifest.json has 52428800 bytes, more than the limit");
        }
    }

    @Test
    void tooManyLayersAreRefused() throws IOException {
        List<Digest> diffIds = Collections.nCopies(126, diffId);
        byte[] config = config(diffIds.toArray(Digest[]::new));
        String cfg = "blobs/sha256/" + Digest.sha256(config).hex();
        List<String> layers = Collections.nCopies(126, "blobs/sha256/" + diffId.hex());
        byte[] a = tar(t -> {
            file(t, cfg, config);
            file(t, "blobs/sha256/" + diffId.hex(), layer);
            file(t, "manifest.json", Json.write(List.of(Map.of("Config", cfg, "Layers", layers))));
        });
        refused(a, "max depth exceeded");
    }

    @Test
    void garbageAndEmptyInputAreRefused() throws IOException {
        byte[] garbage = new byte[4096];
        new java.util.Random(1).nextBytes(garbage);
        refused(garbage, "invalid image archive");
        refused(new byte[0], "neither manifest.json");
        refused(gzip(new byte[1024]), "neither manifest.json");
        refused(new byte[100], "tar archive ends inside a header");
    }

    /** A docker-archive of one image tagged evil:1, plus a file named {@code extra} if not empty. */
    private byte[] archive(byte[] layerFile, byte[] config, String extra) throws IOException {
        String cfg = "blobs/sha256/" + Digest.sha256(config).hex();
        String lay = "blobs/sha256/" + Digest.sha256(layerFile).hex();
        return tar(t -> {
            if (!extra.isEmpty()) {
                file(t, extra, "owned\n".getBytes());
            }
            file(t, cfg, config);
            file(t, lay, layerFile);
            file(t, "manifest.json", manifestJson(cfg, lay));
        });
    }

    private byte[] withManifest(String manifest) throws IOException {
        byte[] config = config(diffId);
        return tar(t -> {
            file(t, "blobs/sha256/" + Digest.sha256(config).hex(), config);
            file(t, "blobs/sha256/" + diffId.hex(), layer);
            file(t, "manifest.json", manifest.getBytes());
        });
    }

    private static byte[] manifestJson(String config, String layer) {
        return ("[{\"Config\":\"" + config + "\",\"RepoTags\":[\"evil:1\"],\"Layers\":[\"" + layer + "\"]}]").getBytes();
    }

    static byte[] config(Digest... diffIds) {
        return Json.write(new ImageConfig("2024-01-01T00:00:00Z", null, "amd64", "linux", null, null,
                RuntimeConfig.empty().withCmd(List.of("sh")), new ImageConfig.RootFs("layers", List.of(diffIds)),
                null));
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(data);
        }
        return buf.toByteArray();
    }

    private static ByteArrayInputStream in(byte[] data) {
        return new ByteArrayInputStream(data);
    }

    private void refused(byte[] archive, String expected) throws IOException {
        refused(in(archive), expected);
    }

    private void refused(InputStream archive, String expected) throws IOException {
        Exception e = assertThrows(Exception.class, () -> stores.archives.load(archive));
        assertTrue(e instanceof InvalidArgumentException || (e instanceof IOException && !(e instanceof EngineException)),
                "a typed refusal, not " + e);
        assertTrue(e.getMessage() != null && e.getMessage().contains(expected),
                "message \"" + e.getMessage() + "\" should say \"" + expected + "\"");
        assertTrue(stores.storesEmpty(), "nothing is registered or stored");
        assertTrue(stores.stagingEmpty(), "staging is empty again");
        assertNothingOutside();
    }

    /** The marker file may not exist anywhere a traversal could have put it. */
    private void assertNothingOutside() throws IOException {
        List<Path> places = new ArrayList<>(List.of(Path.of("/tmp"), Path.of("/var/tmp"), stores.dir, Path.of("/")));
        for (Path p : places) {
            assertFalse(Files.exists(p.resolve(marker)), marker + " was written to " + p);
        }
        try (var walk = Files.walk(stores.dir)) {
            assertTrue(walk.noneMatch(p -> p.getFileName().toString().equals(marker)), "no " + marker + " anywhere");
        }
    }

    /** {@code size} spaces, generated, so a 50 MiB member costs no memory. */
    private static final class Spaces extends InputStream {
        private long left;

        Spaces(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? ' ' : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) ' ');
            left -= n;
            return n;
        }
    }
}
