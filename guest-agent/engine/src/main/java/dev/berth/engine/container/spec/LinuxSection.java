package dev.berth.engine.container.spec;

import dev.berth.engine.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code linux} object of a container spec: namespaces, cgroup resources, devices (the host's for a
 * privileged container), path masking.
 */
final class LinuxSection {
    /** Docker's maskedPaths (moby pkg/oci/defaults.go), including the later advisories' additions. */
    static final List<String> MASKED_PATHS = List.of(
            "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
            "/sys/devices/virtual/powercap");
    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    private static final Path HOST_DEV = Path.of("/dev");
    /** Per-CPU thermal interfaces leak host activity (Docker masks each one that exists on the host). */
    private static final List<String> THERMAL_PATHS = thermalThrottlePaths(Path.of("/sys/devices/system/cpu"));

    private LinuxSection() {}

    static Map<String, Object> build(SpecInput in, List<String> caps, String arch) {
        SpecInput.Security security = in.security() == null ? SpecInput.Security.defaults() : in.security();
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", namespaces(in.namespaces()));
        if (in.cgroupsPath() != null && !in.cgroupsPath().isEmpty()) {
            linux.put("cgroupsPath", in.cgroupsPath());
        }
        if (security.privileged()) {
            // the cgroup allows every device; these make them visible in the container's /dev
            linux.put("devices", HostDevices.list(HOST_DEV));
        }
        Map<String, Object> resources = SpecResources.build(
                in.resources() == null ? SpecInput.Resources.none() : in.resources());
        resources.put("devices", SpecResources.deviceRules(security.privileged()));
        linux.put("resources", resources);
        if (in.sysctls() != null && !in.sysctls().isEmpty()) {
            linux.put("sysctl", Map.copyOf(in.sysctls()));
        }
        if (!security.privileged()) {
            linux.put("maskedPaths", security.maskedPaths() != null ? List.copyOf(security.maskedPaths())
                    : defaultMaskedPaths());
            linux.put("readonlyPaths", security.readonlyPaths() != null ? List.copyOf(security.readonlyPaths())
                    : READONLY_PATHS);
        }
        Map<String, Object> seccomp = seccomp(security, caps, arch);
        if (seccomp != null) {
            linux.put("seccomp", seccomp);
        }
        return linux;
    }

    static List<String> defaultMaskedPaths() {
        List<String> paths = new ArrayList<>(MASKED_PATHS);
        paths.addAll(THERMAL_PATHS);
        return List.copyOf(paths);
    }

    /**
     * Docker's order (mount, network, uts, pid, ipc), then cgroup. A null path creates the namespace,
     * "host" leaves it out (the process stays in the host's), anything else must be a namespace file to join.
     */
    static List<Map<String, Object>> namespaces(SpecInput.Namespaces ns) {
        SpecInput.Namespaces n = ns == null ? SpecInput.Namespaces.isolated() : ns;
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(Map.of("type", "mount"));
        addNamespace(list, "network", n.networkPath());
        addNamespace(list, "uts", n.utsPath());
        addNamespace(list, "pid", n.pidPath());
        addNamespace(list, "ipc", n.ipcPath());
        if (n.newCgroupNamespace()) {
            list.add(Map.of("type", "cgroup"));
        }
        return list;
    }

    private static void addNamespace(List<Map<String, Object>> list, String type, String path) {
        if (path == null || path.isEmpty()) {
            list.add(Map.of("type", type));
        } else if (!path.equals("host")) {
            if (!path.startsWith("/")) {
                throw new InvalidArgumentException("invalid " + type + " namespace path: \"" + path
                        + "\": must be absolute");
            }
            list.add(Map.of("type", type, "path", path));
        }
    }

    /**
     * The seccomp section: none for privileged containers and "unconfined" (as Docker), the builtin profile
     * for "default"/"builtin"/unset, otherwise the Docker-format JSON profile the client sent.
     */
    static Map<String, Object> seccomp(SpecInput.Security security, List<String> caps, String arch) {
        String profile = security.seccompProfile();
        if (security.privileged() || "unconfined".equals(profile)) {
            return null;
        }
        if (profile == null || profile.isBlank() || profile.equals("default") || profile.equals("builtin")) {
            return SeccompProfile.dockerDefault(arch, caps);
        }
        return SeccompProfile.fromDockerJson(profile, arch, caps);
    }

    /** {@code cpu<N>/thermal_throttle} directories under {@code cpuDir}, in name order (Docker's glob). */
    static List<String> thermalThrottlePaths(Path cpuDir) {
        List<String> paths = new ArrayList<>();
        try (DirectoryStream<Path> cpus = Files.newDirectoryStream(cpuDir, "cpu[0-9]*")) {
            for (Path cpu : cpus) {
                Path thermal = cpu.resolve("thermal_throttle");
                if (Files.isDirectory(thermal)) {
                    paths.add("/sys/devices/system/cpu/" + cpu.getFileName() + "/thermal_throttle");
                }
            }
        } catch (IOException e) {
            return List.of(); // no sysfs (not Linux): nothing to mask
        }
        paths.sort(null);
        return List.copyOf(paths);
    }
}
