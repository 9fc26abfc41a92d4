package dev.berth.engine.volume;

import dev.berth.engine.container.Container;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each container's mounts with their volume names fixed, in {@code containers/<id>/mounts.json} (atomic
 * writes; the file goes with the container's directory). Kept in memory too, so the mounts of a container
 * are still known while its removal deletes the directory (to remove its anonymous volumes after it).
 */
final class MountPlans {
    /** The file's content. */
    record Stored(List<MountPoint> mounts) {}

    static final String FILE = "mounts.json";

    private final Map<String, List<MountPoint>> byId = new ConcurrentHashMap<>();

    /** The stored mounts, or empty if the container has none recorded yet (created by an older engine). */
    Optional<List<MountPoint>> get(Container c) {
        List<MountPoint> cached = byId.get(c.id());
        if (cached != null) {
            return Optional.of(cached);
        }
        Path f = file(c);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            List<MountPoint> read = List.copyOf(Json.read(Files.readAllBytes(f), Stored.class).mounts());
            byId.put(c.id(), read);
            return Optional.of(read);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mounts of container " + c.id(), e);
        }
    }

    void save(Container c, List<MountPoint> mounts) throws IOException {
        AtomicFiles.write(file(c), Json.write(new Stored(mounts)));
        byId.put(c.id(), List.copyOf(mounts));
    }

    /** Drops the in-memory copy and returns it (the file goes with the container's directory). */
    List<MountPoint> forget(Container c) {
        List<MountPoint> known = get(c).orElse(List.of());
        byId.remove(c.id());
        return known;
    }

    private static Path file(Container c) {
        return c.paths().dir().resolve(FILE);
    }
}
