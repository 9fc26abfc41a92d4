package dev.berth.engine.store.snapshot;

import dev.berth.engine.archive.ApplyOptions;
import dev.berth.engine.archive.ApplyResult;
import dev.berth.engine.archive.TarApplier;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.Linux;
import dev.berth.engine.os.RootDir;
import dev.berth.engine.os.Trees;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Digest;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked layers, one per diff ID, used as overlayfs lower directories:
 * <pre>
 *   snapshots/&lt;id&gt;/              the layer's tree (OCI whiteouts converted to overlay form)
 *   snapshots/new-&lt;uuid&gt;/        a layer being unpacked (deleted at start if left by a crash)
 *   snapshots/meta/&lt;hex&gt;.json     the record of a committed layer, keyed by diff ID
 * </pre>
 * A layer is unpacked into a temp directory, its diff ID checked, the filesystem synced, the directory
 * renamed into place, and only then its record written: a record always names a complete layer.
 */
public final class SnapshotStore {
    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
    private static final String TEMP = "new-";

    private final Path dir;
    private final Path meta;
    private final Map<Digest, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<Digest, CompletableFuture<Snapshot>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    public SnapshotStore(Path root) throws IOException {
        this.dir = root;
        this.meta = root.resolve("meta");
        Files.createDirectories(meta);
        recover();
    }

    public Optional<Snapshot> get(Digest diffId) {
        return Optional.ofNullable(snapshots.get(diffId));
    }

    public Collection<Snapshot> all() {
        return List.copyOf(snapshots.values());
    }

    public Path path(Snapshot s) {
        return dir.resolve(Long.toString(s.id()));
    }

    /** Work that must succeed before a verified layer becomes visible (e.g. committing its compressed blob). */
    @FunctionalInterface
    public interface BeforeCommit {
        void run() throws IOException;

        BeforeCommit NOTHING = () -> { };
    }

    public Snapshot unpack(Digest diffId, InputStream tar, ApplyOptions options) throws IOException {
        return unpack(diffId, tar, options, BeforeCommit.NOTHING);
    }

    /**
     * Unpacks {@code tar} (uncompressed) as the layer {@code diffId}. If that layer exists, the stream is not
     * read. Concurrent calls for one diff ID share the first one's work. {@code beforeCommit} runs after the
     * diff ID is verified and before the layer is published; if it fails, nothing is kept.
     *
     * @throws InvalidArgumentException if the stream's sha256 is not {@code diffId}; nothing is kept
     */
    public Snapshot unpack(Digest diffId, InputStream tar, ApplyOptions options, BeforeCommit beforeCommit)
            throws IOException {
        Snapshot existing = snapshots.get(diffId);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> other = inFlight.putIfAbsent(diffId, mine);
        if (other != null) {
            return await(other);
        }
        try {
            Snapshot s = doUnpack(diffId, tar, options, beforeCommit);
            mine.complete(s);
            return s;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(diffId);
        }
    }

    private Snapshot doUnpack(Digest diffId, InputStream tar, ApplyOptions options, BeforeCommit beforeCommit)
            throws IOException {
        Path tmp = dir.resolve(TEMP + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            DigestInputStream hashed = new DigestInputStream(tar, diffId.newHasher());
            ApplyResult result;
            try (RootDir root = RootDir.open(tmp)) {
                result = TarApplier.apply(hashed, root, options);
                Digest actual = new Digest(diffId.algorithm(),
                        java.util.HexFormat.of().formatHex(hashed.getMessageDigest().digest()));
                if (!actual.equals(diffId)) {
                    throw new InvalidArgumentException("layer content does not match its diff ID: expected "
                            + diffId + ", got " + actual);
                }
                syncFilesystem(tmp);
            }
            beforeCommit.run();
            Snapshot s = new Snapshot(diffId, nextId.getAndIncrement(), result.bytes(), Instant.now());
            Files.move(tmp, path(s), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(dir);
            AtomicFiles.write(recordPath(diffId), Json.write(s));
            snapshots.put(diffId, s);
            if (result.skippedDevices() > 0) {
                log.warn("layer {}: skipped {} device nodes (not allowed in layers)", diffId, result.skippedDevices());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            Trees.delete(tmp);
            throw e;
        }
    }

    /** Deletes a layer: its record first, so a crash in between leaves an orphan tree, never a dangling record. */
    public void remove(Digest diffId) throws IOException {
        Snapshot s = snapshots.remove(diffId);
        if (s == null) {
            return;
        }
        Files.deleteIfExists(recordPath(diffId));
        AtomicFiles.fsyncDirectory(meta);
        Trees.delete(path(s));
    }

    /** Start-up: drop unfinished unpacks, records without trees, and trees without records. */
    private void recover() throws IOException {
        AtomicFiles.removeTemps(meta);
        try (var records = Files.list(meta)) {
            for (Path r : records.filter(p -> p.toString().endsWith(".json")).toList()) {
                Snapshot s = Json.read(Files.readAllBytes(r), Snapshot.class);
                if (Files.isDirectory(path(s))) {
                    snapshots.put(s.diffId(), s);
                    nextId.accumulateAndGet(s.id() + 1, Math::max);
                } else {
                    log.warn("snapshot record {} has no tree; dropping it", r.getFileName());
                    Files.delete(r);
                }
            }
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        snapshots.values().forEach(s -> known.add(Long.toString(s.id())));
        try (var entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.equals("meta") || known.contains(name)) {
                    continue;
                }
                log.info("removing leftover snapshot directory {}", name);
                Trees.delete(p);
            }
        }
    }

    /** One syncfs for the whole unpacked tree instead of an fsync per file (O_PATH descriptors cannot sync). */
    private static void syncFilesystem(Path p) throws IOException {
        int fd = Linux.openat(dev.berth.engine.os.OpenFlags.AT_FDCWD, p.toString(),
                dev.berth.engine.os.OpenFlags.O_RDONLY | dev.berth.engine.os.OpenFlags.O_DIRECTORY
                        | dev.berth.engine.os.OpenFlags.O_CLOEXEC, 0);
        try {
            Linux.syncfs(fd, p.toString());
        } finally {
            Linux.close(fd);
        }
    }

    private Path recordPath(Digest diffId) {
        return meta.resolve(diffId.hex() + ".json");
    }

    private static Snapshot await(CompletableFuture<Snapshot> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a layer unpack", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }
}
