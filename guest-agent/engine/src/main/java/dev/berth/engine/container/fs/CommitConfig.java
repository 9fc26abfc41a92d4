package dev.berth.engine.container.fs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.image.archive.ChangeInstructions;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.RuntimeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime config of a committed image, by dockerd's rules (daemon/commit.go): start from the config in
 * the request body, or the container's own (which is already its image's config merged with its create
 * request); apply the {@code changes} (Dockerfile instructions); then fill what is still unset from the
 * container's config (moby's {@code merge}).
 */
final class CommitConfig {
    private CommitConfig() {}

    /** The image JSON of a commit, with dockerd's field names (written sorted, as dockerd's are). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Image(
            String architecture,
            String author,
            ContainerConfig config,
            String container,
            @JsonProperty("container_config") ContainerConfig containerConfig,
            String created,
            List<ImageConfig.History> history,
            String os,
            @JsonProperty("os.version") String osVersion,
            ImageConfig.RootFs rootfs,
            String variant) {}

    static ContainerConfig build(ContainerConfig container, ContainerConfig body, List<String> changes) {
        ContainerConfig base = body != null ? body : container;
        ContainerConfig changed = withRuntime(base, ChangeInstructions.apply(runtimeOf(base), changes));
        return merge(changed, container);
    }

    /** moby's merge(userConf, imageConf): unset fields of {@code user} come from {@code from}. */
    static ContainerConfig merge(ContainerConfig user, ContainerConfig from) {
        List<String> entrypoint = user.entrypoint();
        List<String> cmd = user.cmd();
        if (entrypoint == null || entrypoint.isEmpty()) {
            if (cmd == null || cmd.isEmpty()) {
                cmd = from.cmd();
            }
            if (entrypoint == null) {
                entrypoint = from.entrypoint();
            }
        }
        Map<String, String> labels = new LinkedHashMap<>(user.labels() == null ? Map.of() : user.labels());
        if (from.labels() != null) {
            from.labels().forEach(labels::putIfAbsent);
        }
        return new ContainerConfig(user.hostname(), user.domainname(), blank(user.user()) ? from.user() : user.user(),
                user.attachStdin(), user.attachStdout(), user.attachStderr(),
                union(user.exposedPorts(), from.exposedPorts()), user.tty(), user.openStdin(), user.stdinOnce(),
                env(user.env(), from.env()), cmd, health(user.healthcheck(), from.healthcheck()), user.argsEscaped(),
                user.image(), union(user.volumes(), from.volumes()),
                blank(user.workingDir()) ? from.workingDir() : user.workingDir(), entrypoint, user.networkDisabled(),
                user.macAddress(), user.onBuild(), labels,
                blank(user.stopSignal()) ? from.stopSignal() : user.stopSignal(), user.stopTimeout(), user.shell());
    }

    /** Empty means "take theirs"; otherwise theirs are added where ours have no such key. */
    private static Map<String, Object> union(Map<String, Object> ours, Map<String, Object> theirs) {
        if (ours == null || ours.isEmpty()) {
            return theirs;
        }
        Map<String, Object> out = new LinkedHashMap<>(ours);
        if (theirs != null) {
            theirs.forEach(out::putIfAbsent);
        }
        return out;
    }

    private static List<String> env(List<String> ours, List<String> theirs) {
        if (ours == null || ours.isEmpty()) {
            return theirs;
        }
        List<String> out = new ArrayList<>(ours);
        for (String kv : theirs == null ? List.<String>of() : theirs) {
            String key = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
            if (ours.stream().noneMatch(o -> o.equals(key) || o.startsWith(key + "="))) {
                out.add(kv);
            }
        }
        return out;
    }

    private static ContainerConfig.HealthConfig health(ContainerConfig.HealthConfig ours,
            ContainerConfig.HealthConfig theirs) {
        if (theirs == null || ours == null) {
            return ours != null ? ours : theirs;
        }
        return new ContainerConfig.HealthConfig(
                ours.test() == null || ours.test().isEmpty() ? theirs.test() : ours.test(),
                zeroOr(ours.interval(), theirs.interval()), zeroOr(ours.timeout(), theirs.timeout()),
                zeroOr(ours.startPeriod(), theirs.startPeriod()), zeroOr(ours.startInterval(), theirs.startInterval()),
                ours.retries() == null || ours.retries() == 0 ? theirs.retries() : ours.retries());
    }

    private static Long zeroOr(Long ours, Long theirs) {
        return ours == null || ours == 0 ? theirs : ours;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    /** The image-config part of a container config, which the change instructions work on. */
    static RuntimeConfig runtimeOf(ContainerConfig c) {
        ContainerConfig.HealthConfig h = c.healthcheck();
        return new RuntimeConfig(c.user(), nested(c.exposedPorts()), c.env(), c.entrypoint(), c.cmd(),
                nested(c.volumes()), c.workingDir(), c.labels(), c.stopSignal(), c.argsEscaped(),
                h == null ? null : new RuntimeConfig.Healthcheck(h.test(), h.interval(), h.timeout(), h.startPeriod(),
                        h.startInterval(), h.retries()),
                c.onBuild(), c.shell());
    }

    /** {@code c} with its image-config fields replaced by {@code r}'s. */
    static ContainerConfig withRuntime(ContainerConfig c, RuntimeConfig r) {
        RuntimeConfig.Healthcheck h = r.healthcheck();
        return new ContainerConfig(c.hostname(), c.domainname(), r.user(), c.attachStdin(), c.attachStdout(),
                c.attachStderr(), flat(r.exposedPorts()), c.tty(), c.openStdin(), c.stdinOnce(), r.env(), r.cmd(),
                h == null ? null : new ContainerConfig.HealthConfig(h.test(), h.interval(), h.timeout(),
                        h.startPeriod(), h.startInterval(), h.retries()),
                r.argsEscaped(), c.image(), flat(r.volumes()), r.workingDir(), r.entrypoint(), c.networkDisabled(),
                c.macAddress(), r.onBuild(), r.labels(), r.stopSignal(), c.stopTimeout(), r.shell());
    }

    /** Port and volume sets: {@code {"80/tcp": {}}} in both shapes, only the value types differ. */
    private static Map<String, Map<String, Object>> nested(Map<String, Object> set) {
        if (set == null) {
            return null;
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        set.keySet().forEach(k -> out.put(k, Map.of()));
        return out;
    }

    private static Map<String, Object> flat(Map<String, Map<String, Object>> set) {
        if (set == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        set.keySet().forEach(k -> out.put(k, Map.of()));
        return out;
    }
}
