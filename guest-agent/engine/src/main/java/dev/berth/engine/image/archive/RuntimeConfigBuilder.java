package dev.berth.engine.image.archive;

import dev.berth.oci.RuntimeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mutable {@link RuntimeConfig} for applying change instructions one by one. Maps are sorted, so the
 * config written (and with it the image ID) does not depend on the order ports or labels were given in.
 */
final class RuntimeConfigBuilder {
    String user;
    final Map<String, Map<String, Object>> exposedPorts = new TreeMap<>();
    final List<String> env = new ArrayList<>();
    List<String> entrypoint;
    List<String> cmd;
    final Map<String, Map<String, Object>> volumes = new TreeMap<>();
    String workingDir;
    final Map<String, String> labels = new TreeMap<>();
    String stopSignal;
    RuntimeConfig.Healthcheck healthcheck;
    final List<String> onBuild = new ArrayList<>();
    List<String> shell;

    RuntimeConfigBuilder(RuntimeConfig base) {
        RuntimeConfig b = base == null ? RuntimeConfig.empty() : base;
        user = b.user();
        if (b.exposedPorts() != null) {
            exposedPorts.putAll(b.exposedPorts());
        }
        if (b.env() != null) {
            env.addAll(b.env());
        }
        entrypoint = b.entrypoint();
        cmd = b.cmd();
        if (b.volumes() != null) {
            volumes.putAll(b.volumes());
        }
        workingDir = b.workingDir();
        if (b.labels() != null) {
            labels.putAll(b.labels());
        }
        stopSignal = b.stopSignal();
        healthcheck = b.healthcheck();
        if (b.onBuild() != null) {
            onBuild.addAll(b.onBuild());
        }
        shell = b.shell();
    }

    /** The environment as a map, for variable expansion. */
    Map<String, String> envMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            out.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        return out;
    }

    /** Sets {@code key}, replacing an earlier value in place as Docker does. */
    void setEnv(String key, String value) {
        String entry = key + "=" + value;
        for (int i = 0; i < env.size(); i++) {
            String e = env.get(i);
            if (e.equals(key) || e.startsWith(key + "=")) {
                env.set(i, entry);
                return;
            }
        }
        env.add(entry);
    }

    /** The shell a shell-form command runs in: the image's SHELL, else {@code /bin/sh -c}. */
    List<String> shellPrefix() {
        return shell != null && !shell.isEmpty() ? shell : List.of("/bin/sh", "-c");
    }

    RuntimeConfig build() {
        return new RuntimeConfig(user, exposedPorts.isEmpty() ? null : exposedPorts, env.isEmpty() ? null : env,
                entrypoint, cmd, volumes.isEmpty() ? null : volumes, workingDir, labels.isEmpty() ? null : labels,
                stopSignal, null, healthcheck, onBuild.isEmpty() ? null : onBuild, shell);
    }
}
