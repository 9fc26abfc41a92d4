package dev.berth.engine.image;

import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Digest;
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image records and the names that point at them, on disk as:
 * <pre>
 *   images/&lt;id-hex&gt;.json     one {@link ImageRecord} per image
 *   references.json           {"refs": {"docker.io/library/busybox:latest": "sha256:...", "...@sha256:...": ...}}
 * </pre>
 * Every change is one atomic file replacement ({@link AtomicFiles}). Order keeps the invariants across
 * crashes: a record is written before any name points to it, and names are removed before the record.
 * Reads are served from memory, so listing hundreds of images costs microseconds.
 */
public final class ImageStore {
    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);

    /** The on-disk shape of references.json. */
    record References(Map<String, Digest> refs) {}

    private final Path dir;
    private final Map<Digest, ImageRecord> images = new ConcurrentHashMap<>();
    private final TreeMap<String, Digest> refs = new TreeMap<>();
    /** Reverse index, names parsed once: listing must not re-parse every name for every image. */
    private final Map<Digest, List<Reference>> namesById = new java.util.HashMap<>();

    public ImageStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("images"));
        load();
    }

    private void load() throws IOException {
        AtomicFiles.removeTemps(dir);
        AtomicFiles.removeTemps(dir.resolve("images"));
        try (var s = Files.list(dir.resolve("images"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".json")).toList()) {
                ImageRecord r = Json.read(Files.readAllBytes(p), ImageRecord.class);
                images.put(r.id(), r);
            }
        }
        Path refsFile = dir.resolve("references.json");
        if (Files.exists(refsFile)) {
            References loaded = Json.read(Files.readAllBytes(refsFile), References.class);
            if (loaded.refs() != null) {
                refs.putAll(loaded.refs());
            }
        }
        reindex();
    }

    private void reindex() {
        namesById.clear();
        refs.forEach((name, id) -> namesById.computeIfAbsent(id, k -> new ArrayList<>()).add(Reference.parse(name)));
    }

    private void index(String name, Digest id) {
        namesById.computeIfAbsent(id, k -> new ArrayList<>()).add(Reference.parse(name));
    }

    private void unindex(String name, Digest id) {
        List<Reference> names = namesById.get(id);
        if (names != null) {
            names.removeIf(r -> r.toString().equals(name));
            if (names.isEmpty()) {
                namesById.remove(id);
            }
        }
    }

    public Optional<ImageRecord> get(Digest id) {
        return Optional.ofNullable(images.get(id));
    }

    public Collection<ImageRecord> all() {
        return List.copyOf(images.values());
    }

    public void put(ImageRecord r) throws IOException {
        AtomicFiles.write(dir.resolve("images").resolve(r.id().hex() + ".json"), Json.write(r));
        images.put(r.id(), r);
    }

    /** Deletes the record; callers remove its names first. */
    public void delete(Digest id) throws IOException {
        images.remove(id);
        Files.deleteIfExists(dir.resolve("images").resolve(id.hex() + ".json"));
        AtomicFiles.fsyncDirectory(dir.resolve("images"));
    }

    /** Points {@code ref} (normalized, with a tag or digest) at image {@code id}; returns the previous image. */
    public synchronized Optional<Digest> setReference(Reference ref, Digest id) throws IOException {
        String name = ref.toString();
        Digest previous = refs.put(name, id);
        saveRefs();
        if (previous != null) {
            unindex(name, previous);
        }
        index(name, id);
        return Optional.ofNullable(previous);
    }

    public synchronized boolean removeReference(Reference ref) throws IOException {
        String name = ref.toString();
        Digest removed = refs.remove(name);
        if (removed != null) {
            saveRefs();
            unindex(name, removed);
        }
        return removed != null;
    }

    public synchronized Optional<Digest> lookup(Reference ref) {
        return Optional.ofNullable(refs.get(ref.toString()));
    }

    /** Every name of image {@code id}, tags and digests alike. */
    public synchronized List<Reference> referencesOf(Digest id) {
        return List.copyOf(namesById.getOrDefault(id, List.of()));
    }

    public synchronized Map<String, Digest> allReferences() {
        return Map.copyOf(refs);
    }

    /** Drops every name whose target fails {@code keep}; used by recovery. Returns how many. */
    public synchronized int retainReferences(Predicate<Digest> keep) throws IOException {
        int before = refs.size();
        refs.values().removeIf(id -> !keep.test(id));
        if (refs.size() != before) {
            saveRefs();
            reindex();
        }
        return before - refs.size();
    }

    private void saveRefs() throws IOException {
        AtomicFiles.write(dir.resolve("references.json"), Json.write(new References(new TreeMap<>(refs))));
    }

    /** An image ID given in full ({@code sha256:...}, 64 hex) or as a unique prefix of at least one char. */
    public Optional<ImageRecord> findById(String idOrPrefix) {
        String hex = idOrPrefix.startsWith("sha256:") ? idOrPrefix.substring(7) : idOrPrefix;
        if (hex.isEmpty() || hex.length() > 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Optional.empty();
        }
        List<ImageRecord> matches = images.values().stream().filter(r -> r.id().hex().startsWith(hex)).toList();
        if (matches.size() > 1) {
            log.debug("ambiguous image ID prefix {}", idOrPrefix);
            return Optional.empty();
        }
        return matches.stream().findFirst();
    }
}
