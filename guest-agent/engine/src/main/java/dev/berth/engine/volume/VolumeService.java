package dev.berth.engine.volume;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.NotImplementedException;
import dev.berth.engine.events.Event;
import dev.berth.engine.events.EventBus;
import dev.berth.engine.os.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The volume domain: create, look up, remove, and which containers use a volume. Creating and removing are
 * serialized with the containers' claims on volumes ({@link ContainerVolumes} takes the same lock), so a
 * volume a container is being created with cannot be removed under it.
 */
public final class VolumeService {
    /** The local driver's mount options; accepted by Docker, not supported here (no mount(8) of devices). */
    private static final Set<String> MOUNT_OPTIONS = Set.of("type", "device", "o", "size");

    private final VolumeStore store;
    private final ContainerStore containers;
    private final MountPlans plans;
    private final EventBus events;

    VolumeService(VolumeStore store, ContainerStore containers, MountPlans plans, EventBus events) {
        this.store = store;
        this.containers = containers;
        this.plans = plans;
        this.events = events;
    }

    public Collection<VolumeRecord> all() {
        return store.all();
    }

    public VolumeRecord get(String name) {
        return store.get(name);
    }

    public Path data(String name) {
        return store.data(name);
    }

    public long size(String name) throws IOException {
        return Trees.size(store.data(name));
    }

    /** {@code docker volume create}: an existing name is returned as it is, as dockerd does. */
    public synchronized VolumeRecord create(String name, String driver, Map<String, String> labels,
            Map<String, String> options) throws IOException {
        checkDriver(driver);
        for (String key : options == null ? Set.<String>of() : options.keySet()) {
            if (!MOUNT_OPTIONS.contains(key)) {
                throw new InvalidArgumentException("invalid option key: \"" + key + "\"");
            }
            throw new NotImplementedException("local volumes with mount options (" + key + ") are not supported");
        }
        String n = name == null || name.isEmpty() ? VolumeNames.random() : name;
        VolumeNames.check(n);
        if (store.find(n).isPresent()) {
            return store.get(n);
        }
        VolumeRecord r = store.add(new VolumeRecord(n, "local", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                labels, null));
        events.publish(Event.of("volume", "create", n, Map.of("driver", "local")));
        return r;
    }

    static void checkDriver(String driver) {
        if (driver != null && !driver.isEmpty() && !driver.equals("local")) {
            throw new NotFoundException("error looking up volume plugin " + driver + ": plugin \"" + driver
                    + "\" not found");
        }
    }

    /** IDs of the containers (running or not) whose mounts include the volume. */
    public List<String> users(String name) {
        return containers.all().stream()
                .filter(c -> plans.get(c).orElse(List.of()).stream().anyMatch(m -> m.usesVolume(name)))
                .map(Container::id).sorted().toList();
    }

    /** {@code docker volume rm}: refused while any container uses it (Docker's 409 text); force ignores a 404. */
    public synchronized void remove(String name, boolean force) throws IOException {
        if (store.find(name).isEmpty()) {
            if (force) {
                return;
            }
            throw new NotFoundException("get " + name + ": no such volume");
        }
        List<String> users = users(name);
        if (!users.isEmpty()) {
            throw new ConflictException("remove " + name + ": volume is in use - [" + String.join(" ", users) + "]");
        }
        store.remove(name);
        events.publish(Event.of("volume", "destroy", name, Map.of("driver", "local")));
    }

    /** Unused volumes among {@code candidates} removed; returns (names, bytes freed). */
    public synchronized Pruned prune(java.util.function.Predicate<VolumeRecord> candidates) throws IOException {
        List<String> deleted = new java.util.ArrayList<>();
        long freed = 0;
        for (VolumeRecord v : store.all()) {
            if (candidates.test(v) && users(v.name()).isEmpty()) {
                long size = size(v.name());
                remove(v.name(), false);
                deleted.add(v.name());
                freed += size;
            }
        }
        return new Pruned(deleted, freed);
    }

    public record Pruned(List<String> names, long bytes) {}

    /** A volume a container mounts: made if missing (named on first use, anonymous with Docker's label). */
    synchronized VolumeRecord ensure(String name, Map<String, String> labels) throws IOException {
        if (store.find(name).isPresent()) {
            return store.get(name);
        }
        return create(name, "local", labels, null);
    }
}
