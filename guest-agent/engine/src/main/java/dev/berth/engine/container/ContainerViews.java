package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.model.ContainerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of containers: {@code GET /containers/json} items and {@code GET /containers/{id}/json}. */
public final class ContainerViews {
    /** Fills network details; the networking issue provides the real one. */
    public interface NetworkView {
        Map<String, Object> settings(Container c);

        List<Map<String, Object>> ports(Container c);

        NetworkView NONE = new NetworkView() {
            @Override
            public Map<String, Object> settings(Container c) {
                return Map.of();
            }

            @Override
            public List<Map<String, Object>> ports(Container c) {
                return List.of();
            }
        };
    }

    /** Fills mounts; the volumes issue provides the real one. */
    public interface MountView {
        List<Map<String, Object>> mounts(Container c);

        MountView NONE = c -> List.of();
    }

    private final NetworkView network;
    private final MountView mounts;

    public ContainerViews(NetworkView network, MountView mounts) {
        this.network = network;
        this.mounts = mounts;
    }

    public Map<String, Object> summary(Container c) {
        ContainerRecord r = c.record();
        ContainerState s = c.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", r.id());
        m.put("Names", List.of(r.name()));
        m.put("Image", r.image());
        m.put("ImageID", r.imageId().toString());
        m.put("Command", command(r));
        m.put("Created", r.created().getEpochSecond());
        m.put("Ports", network.ports(c));
        m.put("Labels", r.config().labels() == null ? Map.of() : r.config().labels());
        m.put("State", s.status());
        m.put("Status", statusText(s, Instant.now()));
        m.put("HostConfig", Map.of("NetworkMode", r.hostConfig().networkMode()));
        m.put("NetworkSettings", Map.of("Networks", network.settings(c).getOrDefault("Networks", Map.of())));
        m.put("Mounts", mounts.mounts(c));
        return m;
    }

    public Map<String, Object> inspect(Container c) {
        ContainerRecord r = c.record();
        ContainerPaths p = c.paths();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", r.id());
        m.put("Created", r.created().toString());
        m.put("Path", r.path());
        m.put("Args", r.args());
        m.put("State", c.state());
        m.put("Image", r.imageId().toString());
        m.put("ResolvConfPath", p.resolvConf().toString());
        m.put("HostnamePath", p.hostnameFile().toString());
        m.put("HostsPath", p.hostsFile().toString());
        m.put("LogPath", p.log().toString());
        m.put("Name", r.name());
        m.put("RestartCount", c.flags().restartCount());
        m.put("Driver", "overlay2");
        m.put("Platform", "linux");
        m.put("MountLabel", "");
        m.put("ProcessLabel", "");
        m.put("AppArmorProfile", "");
        m.put("ExecIDs", null);
        m.put("HostConfig", r.hostConfig());
        m.put("GraphDriver", Map.of("Name", "overlay2", "Data", Map.of("UpperDir", p.upper().toString(),
                "WorkDir", p.work().toString(), "MergedDir", p.rootfs().toString())));
        m.put("Mounts", mounts.mounts(c));
        m.put("Config", r.config());
        m.put("NetworkSettings", network.settings(c));
        return m;
    }

    /** "Up 5 seconds (healthy)", "Exited (0) 3 seconds ago", "Created": docker ps shows this verbatim. */
    public static String statusText(ContainerState s, Instant now) {
        return switch (s.status()) {
            case ContainerState.CREATED -> "Created";
            case ContainerState.RUNNING -> "Up " + HumanDuration.of(Duration.between(s.startedAt(), now)) + health(s);
            case ContainerState.PAUSED -> "Up " + HumanDuration.of(Duration.between(s.startedAt(), now)) + " (Paused)";
            case ContainerState.RESTARTING -> "Restarting (" + s.exitCode() + ") "
                    + HumanDuration.of(Duration.between(s.finishedAt(), now)) + " ago";
            case ContainerState.REMOVING -> "Removal In Progress";
            case ContainerState.DEAD -> "Dead";
            default -> "Exited (" + s.exitCode() + ") " + HumanDuration.of(Duration.between(s.finishedAt(), now))
                    + " ago";
        };
    }

    private static String health(ContainerState s) {
        if (s.health() == null) {
            return "";
        }
        return s.health().status().equals("starting") ? " (health: starting)" : " (" + s.health().status() + ")";
    }

    /** Path and args, with arguments holding spaces single-quoted, as docker ps shows them. */
    static String command(ContainerRecord r) {
        List<String> words = new ArrayList<>();
        words.add(r.path());
        for (String a : r.args()) {
            words.add(a.isEmpty() || a.chars().anyMatch(ch -> Character.isWhitespace(ch) || "'\"\\$`".indexOf(ch) >= 0)
                    ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        return String.join(" ", words);
    }
}
