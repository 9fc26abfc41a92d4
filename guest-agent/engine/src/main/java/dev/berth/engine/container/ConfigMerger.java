package dev.berth.engine.container;

import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.RuntimeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges a create request's Config with its image's config, by moby's rules (daemon/create.go merge): a
 * request without an entrypoint inherits the image's entrypoint and, if it has no command either, the
 * image's command; setting an entrypoint drops the image's command. Env is merged by key, labels and
 * exposed ports are unions, the request wins on conflicts.
 */
public final class ConfigMerger {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ConfigMerger() {}

    public static ContainerConfig merge(ContainerConfig user, RuntimeConfig image, String imageName, String hostname) {
        RuntimeConfig img = image == null ? RuntimeConfig.empty() : image;
        List<String> entrypoint = user.entrypoint();
        List<String> cmd = user.cmd();
        if (entrypoint == null || entrypoint.isEmpty()) {
            if (cmd == null || cmd.isEmpty()) {
                cmd = img.cmd();
            }
            if (entrypoint == null) {
                entrypoint = img.entrypoint();
            }
        }
        return new ContainerConfig(hostname, nz(user.domainname()), nz(user.user(), img.user()),
                bool(user.attachStdin()), bool(user.attachStdout()), bool(user.attachStderr()),
                union(img.exposedPorts(), user.exposedPorts()), bool(user.tty()), bool(user.openStdin()),
                bool(user.stdinOnce()), mergeEnv(img.env(), user.env()), cmd,
                health(user.healthcheck(), fromImage(img.healthcheck())), null, imageName,
                union(img.volumes(), user.volumes()), nz(user.workingDir(), img.workingDir()), entrypoint, null,
                user.macAddress(), user.onBuild() != null ? user.onBuild() : img.onBuild(),
                labels(img.labels(), user.labels()), user.stopSignal() != null ? user.stopSignal() : img.stopSignal(),
                user.stopTimeout(), user.shell() != null ? user.shell() : img.shell());
    }

    /** argv of the container's process; Docker's error when there is none. */
    public static List<String> command(ContainerConfig merged) {
        List<String> argv = new ArrayList<>();
        if (merged.entrypoint() != null) {
            argv.addAll(merged.entrypoint());
        }
        if (merged.cmd() != null) {
            argv.addAll(merged.cmd());
        }
        argv.removeIf(a -> a == null);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new InvalidArgumentException("No command specified");
        }
        return argv;
    }

    static List<String> mergeEnv(List<String> image, List<String> user) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (List<String> source : java.util.Arrays.asList(image, user)) {
            if (source == null) {
                continue;
            }
            for (String kv : source) {
                if (kv == null || kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                byKey.put(eq < 0 ? kv : kv.substring(0, eq), kv);
            }
        }
        if (!byKey.containsKey("PATH")) {
            byKey.put("PATH", DEFAULT_PATH);
        }
        return List.copyOf(byKey.values());
    }

    /** moby's merge: the request's health settings win field by field; unset (empty, zero) ones inherit. */
    static ContainerConfig.HealthConfig health(ContainerConfig.HealthConfig user, ContainerConfig.HealthConfig img) {
        if (user == null || img == null) {
            return user != null ? user : img;
        }
        return new ContainerConfig.HealthConfig(user.test() == null || user.test().isEmpty() ? img.test() : user.test(),
                zeroOr(user.interval(), img.interval()), zeroOr(user.timeout(), img.timeout()),
                zeroOr(user.startPeriod(), img.startPeriod()), zeroOr(user.startInterval(), img.startInterval()),
                user.retries() == null || user.retries() == 0 ? img.retries() : user.retries());
    }

    private static Long zeroOr(Long user, Long img) {
        return user == null || user == 0 ? img : user;
    }

    private static ContainerConfig.HealthConfig fromImage(RuntimeConfig.Healthcheck h) {
        return h == null ? null : new ContainerConfig.HealthConfig(h.test(), h.interval(), h.timeout(),
                h.startPeriod(), h.startInterval(), h.retries());
    }

    private static Map<String, Object> union(Map<String, ? extends Object> a, Map<String, Object> b) {
        if (a == null && b == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (a != null) {
            out.putAll(a);
        }
        if (b != null) {
            out.putAll(b);
        }
        return out;
    }

    private static Map<String, String> labels(Map<String, String> a, Map<String, String> b) {
        Map<String, String> out = new LinkedHashMap<>();
        if (a != null) {
            out.putAll(a);
        }
        if (b != null) {
            out.putAll(b);
        }
        return out;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String nz(String s, String fallback) {
        return s != null && !s.isEmpty() ? s : fallback == null ? "" : fallback;
    }

    private static Boolean bool(Boolean b) {
        return Boolean.TRUE.equals(b);
    }
}
