package dev.berth.engine.container.spec;

import dev.berth.oci.Json;
import dev.berth.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the OCI runtime spec ({@code config.json}) runc consumes, with Docker's default hardening as
 * Docker 25 writes it (moby daemon/oci_linux.go over pkg/oci/defaults.go): 14 capabilities, masked and
 * read-only /proc and /sys paths, a device allow-list and the builtin seccomp profile.
 *
 * <p>Two things of Docker's spec are left out on purpose: no {@code time} namespace (Docker 25 creates none
 * either, and runc 1.1.5 does not support it) and no AppArmor profile (Berth does not load Docker's
 * docker-default profile; masked paths, read-only paths and seccomp carry the hardening).
 * Inheritable and ambient capabilities are empty, as in Docker since 23.0.
 */
public final class SpecBuilder {
    /** runc 1.1.5 accepts 1.0.x and 1.1.0; 1.0.2 is what Docker 25 writes. */
    static final String OCI_VERSION = "1.0.2";

    private SpecBuilder() {}

    /** config.json bytes for a container's init process. */
    public static byte[] containerSpec(SpecInput in) {
        return Json.write(containerSpecMap(in, Platform.host().architecture()));
    }

    /**
     * process.json bytes for {@code runc exec --process}: the same security settings (capabilities,
     * no_new_privs, no AppArmor, rlimits) for an exec'd process. Its seccomp filter is the container's:
     * runc applies the filter of config.json to every exec.
     */
    public static byte[] execProcess(SpecInput.User user, List<String> args, List<String> env, String cwd,
            boolean terminal, SpecInput.ConsoleSize size, SpecInput.Security security,
            List<SpecInput.Ulimit> ulimits) {
        SpecInput.Security sec = security == null ? SpecInput.Security.defaults() : security;
        List<String> caps = Capabilities.resolve(sec.privileged(), sec.capAdd(), sec.capDrop());
        return Json.write(process(user, args, env, cwd, terminal, size, sec, caps, ulimits));
    }

    /**
     * Checks {@code --ulimit}s as the spec will carry them: a name Docker knows, soft at most hard.
     *
     * @throws dev.berth.engine.errors.InvalidArgumentException with go-units' text
     */
    public static void checkUlimits(List<SpecInput.Ulimit> ulimits) {
        SpecResources.rlimits(ulimits);
    }

    /** The spec as a map, for a given Go architecture (tests build arm64 specs on amd64). */
    static Map<String, Object> containerSpecMap(SpecInput in, String arch) {
        SpecInput.Security security = in.security() == null ? SpecInput.Security.defaults() : in.security();
        List<String> caps = Capabilities.resolve(security.privileged(), security.capAdd(), security.capDrop());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", OCI_VERSION);
        Map<String, Object> process = process(in.user(), initArgs(in), in.env(), in.cwd(), in.terminal(),
                in.consoleSize(), security, caps, in.ulimits());
        process.put("oomScoreAdj", in.oomScoreAdj());
        spec.put("process", process);
        spec.put("root", Map.of("path", in.rootfs().toAbsolutePath().toString(),
                "readonly", security.readonlyRootfs()));
        // a hostname needs a UTS namespace of the container's own; a shared or joined one is not ours to name
        SpecInput.Namespaces ns = in.namespaces() == null ? SpecInput.Namespaces.isolated() : in.namespaces();
        if (ns.utsPath() == null || ns.utsPath().isEmpty()) {
            putIfNotEmpty(spec, "hostname", in.hostname());
            putIfNotEmpty(spec, "domainname", in.domainname());
        }
        spec.put("mounts", SpecMounts.build(in, security.privileged()));
        spec.put("linux", LinuxSection.build(in, caps, arch));
        if (in.annotations() != null && !in.annotations().isEmpty()) {
            spec.put("annotations", Map.copyOf(in.annotations()));
        }
        return spec;
    }

    /** With {@code --init} the static init runs as pid 1 and execs the command: docker-init -- args. */
    private static List<String> initArgs(SpecInput in) {
        if (in.initPath() == null) {
            return in.args();
        }
        List<String> args = new ArrayList<>(List.of(SpecMounts.INIT_DESTINATION, "--"));
        args.addAll(in.args());
        return args;
    }

    private static Map<String, Object> process(SpecInput.User user, List<String> args, List<String> env,
            String cwd, boolean terminal, SpecInput.ConsoleSize size, SpecInput.Security security,
            List<String> caps, List<SpecInput.Ulimit> ulimits) {
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException("process args must not be empty");
        }
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", terminal);
        if (terminal && size != null) {
            process.put("consoleSize", Map.of("height", size.height(), "width", size.width()));
        }
        process.put("user", user(user));
        process.put("args", List.copyOf(args));
        process.put("env", env == null ? List.of() : List.copyOf(env));
        process.put("cwd", cwd == null || cwd.isEmpty() ? "/" : cwd);
        process.put("capabilities", capabilities(caps));
        List<Map<String, Object>> rlimits = SpecResources.rlimits(ulimits);
        if (!rlimits.isEmpty()) {
            process.put("rlimits", rlimits);
        }
        process.put("noNewPrivileges", security.noNewPrivileges());
        return process;
    }

    /**
     * The primary group is also the first supplementary group, as Docker does since 20.10.18
     * (CVE-2022-36109): otherwise a process could shed its primary group with a setgid program and get past
     * files whose group permissions deny that group.
     */
    private static Map<String, Object> user(SpecInput.User user) {
        SpecInput.User u = user == null ? new SpecInput.User(0, 0, List.of(), null) : user;
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("uid", u.uid());
        map.put("gid", u.gid());
        List<Long> groups = new ArrayList<>(List.of(u.gid()));
        if (u.additionalGids() != null) {
            u.additionalGids().stream().filter(g -> g != u.gid()).forEach(groups::add);
        }
        map.put("additionalGids", List.copyOf(groups));
        if (u.umask() != null) {
            map.put("umask", u.umask());
        }
        return map;
    }

    /**
     * Bounding = effective = permitted. Inheritable and ambient stay empty (moby 23.0, CVE-2022-24769): a
     * non-root process then gets no capabilities at execve, only file capabilities within the bounding set.
     */
    private static Map<String, Object> capabilities(List<String> caps) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("bounding", caps);
        map.put("effective", caps);
        map.put("permitted", caps);
        map.put("inheritable", List.of());
        map.put("ambient", List.of());
        return map;
    }

    private static void putIfNotEmpty(Map<String, Object> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }
}
