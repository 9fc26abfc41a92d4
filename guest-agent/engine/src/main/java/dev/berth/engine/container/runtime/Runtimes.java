package dev.berth.engine.container.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OCI runtimes installed here and the default one. crun is preferred where it works (faster start,
 * less memory): on a pure cgroup v2 system. On cgroup v1 or a hybrid layout crun 1.8 (Debian 12) fails,
 * so runc is the default there. {@code docker run --runtime crun} still picks crun explicitly.
 */
public final class Runtimes {
    private final Map<String, OciRuntime> available = new LinkedHashMap<>();
    private final String defaultName;

    public Runtimes(Path stateRoot) {
        for (String name : List.of("runc", "crun")) {
            find(name).ifPresent(bin -> available.put(name, new OciRuntime(name, bin, stateRoot.resolve(name))));
        }
        boolean unifiedCgroups = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        if (unifiedCgroups && available.containsKey("crun")) {
            defaultName = "crun";
        } else if (available.containsKey("runc")) {
            defaultName = "runc";
        } else {
            defaultName = available.keySet().stream().findFirst().orElse("runc");
        }
    }

    public String defaultName() {
        return defaultName;
    }

    public List<String> names() {
        return List.copyOf(available.keySet());
    }

    public Map<String, OciRuntime> all() {
        return Map.copyOf(available);
    }

    /** The runtime called {@code name}; a clear error when it is not installed. */
    public OciRuntime get(String name) {
        OciRuntime r = available.get(name);
        if (r == null) {
            throw new dev.berth.engine.errors.UnavailableException("OCI runtime " + name + " is not installed "
                    + "(install Debian's runc: scripts/setup runtime)");
        }
        return r;
    }

    private static Optional<Path> find(String name) {
        for (String dir : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
