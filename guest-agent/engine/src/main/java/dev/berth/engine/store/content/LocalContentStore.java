package dev.berth.engine.store.content;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.os.Trees;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The content store on disk:
 * <pre>
 *   content/blobs/sha256/&lt;hex&gt;        committed blobs, mode 0444
 *   content/ingest/&lt;sha256(ref)&gt;/data  partial data of an ingest
 *   content/ingest/&lt;sha256(ref)&gt;/ref   the ref, for humans
 * </pre>
 * Commit = fsync data, check size and digest, rename into blobs/, fsync blobs/: the rename is the single
 * point at which a blob appears, so a crash leaves either nothing or a complete verified blob.
 */
public final class LocalContentStore implements ContentStore {
    private final Path blobs;
    private final Path ingests;
    private final Set<String> activeRefs = ConcurrentHashMap.newKeySet();

    public LocalContentStore(Path root) throws IOException {
        this.blobs = root.resolve("blobs");
        this.ingests = root.resolve("ingest");
        Files.createDirectories(blobs.resolve("sha256"));
        Files.createDirectories(ingests);
    }

    @Override
    public Optional<BlobInfo> info(Digest digest) {
        Path p = path(digest);
        try {
            return Optional.of(new BlobInfo(digest, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " not found in the content store");
        }
    }

    @Override
    public byte[] read(Digest digest, int maxSize) throws IOException {
        try (InputStream in = open(digest)) {
            byte[] data = in.readNBytes(maxSize + 1);
            if (data.length > maxSize) {
                throw new InvalidArgumentException("blob " + digest + " is larger than " + maxSize + " bytes");
            }
            return data;
        }
    }

    @Override
    public Path path(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    @Override
    public IngestWriter writer(String ref, Digest expected, long expectedSize) throws IOException {
        if (!activeRefs.add(ref)) {
            throw new UnavailableException("ingest " + ref + " is locked by another writer");
        }
        try {
            Path dir = ingests.resolve(Digest.sha256(ref.getBytes(StandardCharsets.UTF_8)).hex());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("ref"), ref);
            return new LocalIngestWriter(this, ref, dir, expected, expectedSize);
        } catch (IOException | RuntimeException e) {
            activeRefs.remove(ref);
            throw e;
        }
    }

    void release(String ref) {
        activeRefs.remove(ref);
    }

    /** Moves a verified ingest into place; returns false if the blob was already there. */
    boolean publish(Path data, Digest digest) throws IOException {
        Path target = path(digest);
        if (Files.exists(target)) {
            return false;
        }
        Files.move(data, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(target.getParent());
        target.toFile().setReadOnly();
        return true;
    }

    @Override
    public List<BlobInfo> list() throws IOException {
        List<BlobInfo> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(blobs.resolve("sha256"))) {
            for (Path p : s.toList()) {
                try {
                    Digest d = new Digest("sha256", p.getFileName().toString());
                    info(d).ifPresent(out::add);
                } catch (IllegalArgumentException stray) {
                    // not a blob name: ignore (never created by us)
                }
            }
        }
        return out;
    }

    @Override
    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    @Override
    public int removeStaleIngests(Duration age) throws IOException {
        Instant cutoff = Instant.now().minus(age);
        int removed = 0;
        try (Stream<Path> s = Files.list(ingests)) {
            for (Path dir : s.toList()) {
                String ref = Files.exists(dir.resolve("ref")) ? Files.readString(dir.resolve("ref")) : "";
                if (activeRefs.contains(ref)) {
                    continue;
                }
                Path data = dir.resolve("data");
                FileTime touched = Files.exists(data) ? Files.getLastModifiedTime(data) : Files.getLastModifiedTime(dir);
                if (touched.toInstant().isBefore(cutoff)) {
                    Trees.delete(dir);
                    removed++;
                }
            }
        }
        return removed;
    }
}
