package dev.berth.engine.network;

import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.network.model.NetworkRecord;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Network records, one atomic file each ({@code networks/<id>.json}). Lookups as Docker's: full ID, exact
 * name, then a unique ID prefix.
 */
public final class NetworkStore {
    private final Path dir;
    private final Map<String, NetworkRecord> byId = new ConcurrentHashMap<>();

    public NetworkStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        AtomicFiles.removeTemps(dir);
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                NetworkRecord r = Json.read(Files.readAllBytes(f), NetworkRecord.class);
                byId.put(r.id(), r);
            }
        }
    }

    public Collection<NetworkRecord> all() {
        return List.copyOf(byId.values());
    }

    public NetworkRecord get(String ref) {
        return find(ref).orElseThrow(() -> new NotFoundException("network " + ref + " not found"));
    }

    public Optional<NetworkRecord> find(String ref) {
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        NetworkRecord exact = byId.get(ref);
        if (exact != null) {
            return Optional.of(exact);
        }
        Optional<NetworkRecord> named = byId.values().stream().filter(n -> n.name().equals(ref)).findFirst();
        if (named.isPresent()) {
            return named;
        }
        List<NetworkRecord> prefixed = byId.values().stream().filter(n -> n.id().startsWith(ref)).toList();
        return prefixed.size() == 1 ? Optional.of(prefixed.get(0)) : Optional.empty();
    }

    /** Adds a network; names are unique (Docker's 409 text). */
    public synchronized void add(NetworkRecord r) throws IOException {
        if (byId.values().stream().anyMatch(n -> n.name().equals(r.name()))) {
            throw new ConflictException("network with name " + r.name() + " already exists");
        }
        AtomicFiles.write(dir.resolve(r.id() + ".json"), Json.write(r));
        byId.put(r.id(), r);
    }

    public synchronized void remove(NetworkRecord r) throws IOException {
        Files.deleteIfExists(dir.resolve(r.id() + ".json"));
        byId.remove(r.id());
    }
}
