package dev.berth.oci.layout;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.HashingOutputStream;
import dev.berth.oci.ImageIndex;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}), the
 * on-disk exchange format of the image maker, {@code docker save} and {@code docker load}.
 */
public final class OciLayout {
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final byte[] LAYOUT_FILE = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes();

    private final Path dir;

    private OciLayout(Path dir) {
        this.dir = dir;
    }

    /** Creates the layout (or reuses one already there). */
    public static OciLayout create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.write(dir.resolve("oci-layout"), LAYOUT_FILE);
        OciLayout layout = new OciLayout(dir);
        if (!Files.exists(dir.resolve("index.json"))) {
            layout.writeIndex(List.of());
        }
        return layout;
    }

    public static OciLayout open(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new IOException("not an OCI image layout (no oci-layout file): " + dir);
        }
        return new OciLayout(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path blobPath(Digest digest) {
        return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    public byte[] readBlob(Digest digest) throws IOException {
        return Files.readAllBytes(blobPath(digest));
    }

    public InputStream openBlob(Digest digest) throws IOException {
        return Files.newInputStream(blobPath(digest));
    }

    public Descriptor putBlob(String mediaType, byte[] data) throws IOException {
        try (BlobWriter w = newBlob(mediaType)) {
            w.write(data);
            return w.commit();
        }
    }

    /** A writer for a blob whose digest is known only once it is written. */
    public BlobWriter newBlob(String mediaType) throws IOException {
        Path tmp = Files.createTempFile(dir.resolve("blobs"), ".ingest-", "");
        return new BlobWriter(mediaType, tmp);
    }

    public ImageIndex index() throws IOException {
        return Json.read(Files.readAllBytes(dir.resolve("index.json")), ImageIndex.class);
    }

    /** Adds {@code d} to index.json under {@code refName}, replacing any entry with that name. */
    public void tag(String refName, Descriptor d) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        for (Descriptor e : index().manifests()) {
            if (!refName.equals(refNameOf(e).orElse(null))) {
                entries.add(e);
            }
        }
        Map<String, String> ann = new HashMap<>(d.annotations() == null ? Map.of() : d.annotations());
        ann.put(REF_NAME, refName);
        entries.add(d.withAnnotations(ann));
        entries.sort((a, b) -> refNameOf(a).orElse("").compareTo(refNameOf(b).orElse("")));
        writeIndex(entries);
    }

    public Optional<Descriptor> find(String refName) throws IOException {
        return index().manifests().stream().filter(e -> refName.equals(refNameOf(e).orElse(null))).findFirst();
    }

    public static Optional<String> refNameOf(Descriptor d) {
        return Optional.ofNullable(d.annotations()).map(a -> a.get(REF_NAME));
    }

    private void writeIndex(List<Descriptor> entries) throws IOException {
        byte[] json = Json.write(new ImageIndex(2, MediaTypes.OCI_INDEX, entries, null));
        Path tmp = dir.resolve("index.json.tmp");
        Files.write(tmp, json);
        Files.move(tmp, dir.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Hashes while writing; {@link #commit()} moves the blob to its content address. */
    public final class BlobWriter extends OutputStream {
        private final String mediaType;
        private final Path tmp;
        private final HashingOutputStream out;
        private boolean done;

        private BlobWriter(String mediaType, Path tmp) throws IOException {
            this.mediaType = mediaType;
            this.tmp = tmp;
            this.out = new HashingOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16));
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        public Descriptor commit() throws IOException {
            out.close();
            Digest digest = out.digest();
            Files.move(tmp, blobPath(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return Descriptor.of(mediaType, digest, out.count());
        }

        @Override
        public void close() {
            if (!done) {
                try {
                    out.close();
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
