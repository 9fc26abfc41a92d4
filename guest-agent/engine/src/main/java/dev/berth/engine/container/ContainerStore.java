package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.ContainerState;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.os.Trees;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All containers, in memory and on disk ({@code containers/<id>/config.json} and {@code state.json}, each
 * written atomically). Names are unique; lookups accept a full ID, a unique ID prefix, or a name with or
 * without its leading slash, as Docker's do.
 */
public final class ContainerStore {
    private static final Logger log = LoggerFactory.getLogger(ContainerStore.class);

    /** config.json: the record plus the run flags (both change rarely). */
    record Persisted(ContainerRecord record, Container.RunFlags flags) {}

    private final Path root;
    private final Map<String, Container> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByName = new ConcurrentHashMap<>();

    public ContainerStore(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("containers"));
        load();
    }

    private void load() throws IOException {
        try (var dirs = Files.list(root.resolve("containers"))) {
            for (Path d : dirs.toList()) {
                Path config = d.resolve("config.json");
                if (!Files.isRegularFile(config)) {
                    log.warn("removing container directory without a record: {}", d.getFileName());
                    Trees.delete(d);
                    continue;
                }
                AtomicFiles.removeTemps(d);
                Persisted p = Json.read(Files.readAllBytes(config), Persisted.class);
                Path stateFile = d.resolve("state.json");
                ContainerState s = Files.isRegularFile(stateFile)
                        ? Json.read(Files.readAllBytes(stateFile), ContainerState.class) : ContainerState.created();
                Container c = new Container(new ContainerPaths(root, p.record().id()), p.record(), s,
                        p.flags() == null ? Container.RunFlags.fresh() : p.flags());
                byId.put(c.id(), c);
                idByName.put(p.record().name(), c.id());
            }
        }
    }

    /** Adds a new container; its name must be free (Docker's 409 text otherwise). */
    public synchronized Container add(ContainerRecord record) throws IOException {
        reserve(record.name(), record.id());
        Container c = new Container(new ContainerPaths(root, record.id()), record, ContainerState.created(),
                Container.RunFlags.fresh());
        try {
            Files.createDirectories(c.paths().dir());
            saveRecord(c);
            saveState(c, c.state());
        } catch (IOException | RuntimeException e) {
            idByName.remove(record.name(), record.id()); // a failed create must not keep the name (disk full)
            Trees.delete(c.paths().dir());
            throw e;
        }
        byId.put(c.id(), c);
        return c;
    }

    private void reserve(String name, String id) {
        String holder = idByName.putIfAbsent(name, id);
        if (holder != null && !holder.equals(id)) {
            throw new ConflictException("Conflict. The container name \"" + name + "\" is already in use by container \""
                    + holder + "\". You have to remove (or rename) that container to be able to reuse that name.");
        }
    }

    public synchronized void rename(Container c, String newName) throws IOException {
        String old = c.record().name();
        reserve(newName, c.id());
        c.setRecord(c.record().withName(newName));
        saveRecord(c);
        idByName.remove(old, c.id());
    }

    public void updateHostConfig(Container c, dev.berth.engine.container.model.HostConfig h) throws IOException {
        c.setRecord(c.record().withHostConfig(h));
        saveRecord(c);
    }

    /** The per-network endpoint settings (network connect and disconnect). */
    public void updateNetworks(Container c, Map<String, Map<String, Object>> networks) throws IOException {
        c.setRecord(c.record().withNetworks(networks));
        saveRecord(c);
    }

    public void saveRecord(Container c) throws IOException {
        if (!c.removed().isDone()) {
            AtomicFiles.write(c.paths().configFile(), Json.write(new Persisted(c.record(), c.flags())));
        }
    }

    /**
     * Persists, then publishes, a state change: what others read is always on disk first. A late writer (a
     * probe, a restart, an exit racing with {@code rm -f}) must not bring a removed container's directory back:
     * AtomicFiles creates missing parents, and the next engine start would find a directory without a record.
     */
    public void saveState(Container c, ContainerState s) throws IOException {
        if (c.removed().isDone()) {
            return;
        }
        AtomicFiles.write(c.paths().stateFile(), Json.write(s));
        c.setState(s);
    }

    public void saveFlags(Container c, Container.RunFlags f) throws IOException {
        c.setFlags(f);
        saveRecord(c);
    }

    public synchronized void remove(Container c) throws IOException {
        byId.remove(c.id());
        idByName.remove(c.record().name(), c.id());
        c.markRemoved(); // first: from here on no save recreates the directory being deleted
        Trees.delete(c.paths().dir());
    }

    public Collection<Container> all() {
        return List.copyOf(byId.values());
    }

    public Container get(String ref) {
        return find(ref).orElseThrow(() -> new NotFoundException("No such container: " + ref));
    }

    public java.util.Optional<Container> find(String ref) {
        if (ref == null || ref.isEmpty()) {
            return java.util.Optional.empty();
        }
        Container exact = byId.get(ref);
        if (exact != null) {
            return java.util.Optional.of(exact);
        }
        String byName = idByName.get(ref.startsWith("/") ? ref : "/" + ref);
        if (byName != null && byId.containsKey(byName)) {
            return java.util.Optional.of(byId.get(byName));
        }
        List<Container> prefixed = byId.values().stream().filter(c -> c.id().startsWith(ref)).toList();
        return prefixed.size() == 1 ? java.util.Optional.of(prefixed.get(0)) : java.util.Optional.empty();
    }
}
