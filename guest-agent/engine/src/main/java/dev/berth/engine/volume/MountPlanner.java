package dev.berth.engine.volume;

import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A container's mounts from its record, in moby's order (registerMountPoints): mounts of
 * {@code --volumes-from} containers first, replaced by {@code -v} binds on the same destination, then
 * {@code --mount}s, then an anonymous volume for each {@code Volumes} path (image and {@code -v /path}) that
 * nothing else covers. Two explicit mounts on one destination are refused, as dockerd refuses them.
 */
final class MountPlanner {
    private MountPlanner() {}

    /**
     * @param volumesFrom the stored mounts of another container, by name or ID (throws its 404 if missing)
     */
    static List<MountPoint> plan(ContainerRecord r, Function<String, List<MountPoint>> volumesFrom) {
        HostConfig h = r.hostConfig();
        Map<String, MountPoint> byDestination = new LinkedHashMap<>();
        for (String from : h.volumesFrom() == null ? List.<String>of() : h.volumesFrom()) {
            inherit(from, volumesFrom, byDestination);
        }
        Set<String> explicit = new TreeSet<>();
        for (String bind : h.binds() == null ? List.<String>of() : h.binds()) {
            add(BindParser.parse(bind), explicit, byDestination);
        }
        for (HostConfig.Mount m : h.mounts() == null ? List.<HostConfig.Mount>of() : h.mounts()) {
            add(MountParser.parse(m), explicit, byDestination);
        }
        Set<String> tmpfs = new TreeSet<>();
        if (h.tmpfs() != null) {
            h.tmpfs().keySet().forEach(t -> tmpfs.add(Path.of(t).normalize().toString()));
        }
        Map<String, Object> volumes = r.config().volumes() == null ? Map.of() : r.config().volumes();
        for (String dst : new TreeSet<>(volumes.keySet())) {
            MountPoint anon = BindParser.anonymous(dst);
            if (!byDestination.containsKey(anon.destination()) && !tmpfs.contains(anon.destination())) {
                byDestination.put(anon.destination(), anon);
            }
        }
        return List.copyOf(byDestination.values());
    }

    private static void add(MountPoint m, Set<String> explicit, Map<String, MountPoint> byDestination) {
        if (!explicit.add(m.destination())) {
            throw new InvalidArgumentException("Duplicate mount point: " + m.destination());
        }
        byDestination.put(m.destination(), m);
    }

    /** {@code container[:ro|:rw]}: that container's volumes and binds, the mode overriding theirs. */
    private static void inherit(String spec, Function<String, List<MountPoint>> volumesFrom,
            Map<String, MountPoint> byDestination) {
        String ref = spec;
        String mode = "";
        int colon = spec.lastIndexOf(':');
        if (colon > 0) {
            ref = spec.substring(0, colon);
            mode = spec.substring(colon + 1);
            if (!mode.equals("ro") && !mode.equals("rw") && !mode.equals("z") && !mode.equals("Z")) {
                throw new InvalidArgumentException("invalid mode for volumes-from: " + mode);
            }
        }
        for (MountPoint m : volumesFrom.apply(ref)) {
            if (m.type().equals(MountPoint.TMPFS)) {
                continue; // tmpfs is private to its container, as in Docker
            }
            MountPoint inherited = switch (mode) {
                case "ro" -> m.withAccess(false, "ro");
                case "rw" -> m.withAccess(true, "rw");
                default -> m;
            };
            byDestination.put(m.destination(), inherited);
        }
    }
}
