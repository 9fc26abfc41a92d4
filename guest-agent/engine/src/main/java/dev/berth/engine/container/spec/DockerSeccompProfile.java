package dev.berth.engine.container.spec;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's seccomp profile format (moby profiles/seccomp types.go) and its translation into the OCI form
 * the way moby's setupSeccomp does it: {@code name} becomes {@code names}; rules whose {@code includes} or
 * {@code excludes} (capabilities, Go architecture names, minimum kernel) do not match are dropped; an
 * {@code archMap} contributes the native architecture and its sub-architectures.
 */
final class DockerSeccompProfile {
    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
            "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
            "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
            "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    private static final Pattern KERNEL = Pattern.compile("^(\\d+)\\.(\\d+)");

    record Profile(String defaultAction, Long defaultErrnoRet, List<String> architectures, List<ArchMap> archMap,
            List<String> flags, String listenerPath, String listenerMetadata, List<Syscall> syscalls) {}

    record ArchMap(String architecture, List<String> subArchitectures) {}

    record Syscall(String name, List<String> names, String action, Long errnoRet, List<Arg> args,
            Filter includes, Filter excludes) {}

    record Arg(Integer index, BigInteger value, BigInteger valueTwo, String op) {}

    record Filter(List<String> caps, List<String> arches, String minKernel) {}

    private DockerSeccompProfile() {}

    static Map<String, Object> translate(String json, String goArch, List<String> caps, String kernelVersion) {
        Profile profile;
        try {
            profile = Json.read(json.getBytes(StandardCharsets.UTF_8), Profile.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("decoding seccomp profile failed: " + e.getMessage(), e);
        }
        if (profile == null || profile.defaultAction() == null) {
            throw new InvalidArgumentException("seccomp profile has no defaultAction");
        }
        Map<String, Object> oci = new LinkedHashMap<>();
        oci.put("defaultAction", action(profile.defaultAction()));
        putIfPresent(oci, "defaultErrnoRet", profile.defaultErrnoRet());
        List<String> arches = architectures(profile, goArch);
        if (!arches.isEmpty()) {
            oci.put("architectures", arches);
        }
        putIfPresent(oci, "flags", profile.flags() == null || profile.flags().isEmpty() ? null : profile.flags());
        putIfPresent(oci, "listenerPath", profile.listenerPath());
        putIfPresent(oci, "listenerMetadata", profile.listenerMetadata());
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Syscall call : nonNull(profile.syscalls())) {
            if (applies(call, goArch, Set.copyOf(caps), kernelVersion)) {
                rules.add(translate(call));
            }
        }
        oci.put("syscalls", rules);
        return oci;
    }

    private static List<String> architectures(Profile profile, String goArch) {
        if (!nonNull(profile.architectures()).isEmpty() && !nonNull(profile.archMap()).isEmpty()) {
            throw new InvalidArgumentException("both 'architectures' and 'archMap' are specified in the seccomp "
                    + "profile, use either 'architectures' or 'archMap'");
        }
        List<String> arches = new ArrayList<>(nonNull(profile.architectures()));
        String nativeArch = SeccompProfile.nativeArch(goArch);
        for (ArchMap entry : nonNull(profile.archMap())) {
            if (nativeArch.equals(entry.architecture())) {
                arches.add(entry.architecture());
                arches.addAll(nonNull(entry.subArchitectures()));
            }
        }
        return arches;
    }

    /** moby's order of checks: arches, then capabilities, then kernel versions. */
    private static boolean applies(Syscall call, String goArch, Set<String> caps, String kernelVersion) {
        Filter in = call.includes() == null ? new Filter(null, null, null) : call.includes();
        Filter ex = call.excludes() == null ? new Filter(null, null, null) : call.excludes();
        if (nonNull(ex.arches()).contains(goArch)
                || (!nonNull(in.arches()).isEmpty() && !in.arches().contains(goArch))) {
            return false;
        }
        // Docker checks the bounding set; Berth's bounding and effective sets are the same list
        if (nonNull(ex.caps()).stream().anyMatch(caps::contains) || !caps.containsAll(nonNull(in.caps()))) {
            return false;
        }
        if (ex.minKernel() != null && atLeast(kernelVersion, ex.minKernel())) {
            return false;
        }
        return in.minKernel() == null || atLeast(kernelVersion, in.minKernel());
    }

    private static Map<String, Object> translate(Syscall call) {
        List<String> names = new ArrayList<>(nonNull(call.names()));
        if (call.name() != null && !call.name().isEmpty()) {
            if (!names.isEmpty()) {
                throw new InvalidArgumentException("'name' and 'names' were specified in the seccomp profile, "
                        + "use either 'name' or 'names'");
            }
            names.add(call.name());
        }
        if (names.isEmpty()) {
            throw new InvalidArgumentException("seccomp profile has a rule without system call names");
        }
        List<Map<String, Object>> args = new ArrayList<>();
        for (Arg arg : nonNull(call.args())) {
            args.add(translate(arg));
        }
        return SeccompProfile.rule(names, action(call.action()),
                call.errnoRet() == null ? null : Math.toIntExact(call.errnoRet()), args);
    }

    private static Map<String, Object> translate(Arg arg) {
        if (arg.index() == null || arg.index() < 0 || arg.index() > 5) {
            throw new InvalidArgumentException("seccomp argument index must be 0 to 5, got " + arg.index());
        }
        if (arg.op() == null || !OPERATORS.contains(arg.op())) {
            throw new InvalidArgumentException("unknown seccomp operator: \"" + arg.op() + "\"");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("index", arg.index());
        out.put("value", arg.value() == null ? BigInteger.ZERO : arg.value());
        out.put("valueTwo", arg.valueTwo() == null ? BigInteger.ZERO : arg.valueTwo());
        out.put("op", arg.op());
        return out;
    }

    private static String action(String action) {
        if (action == null || !ACTIONS.contains(action)) {
            throw new InvalidArgumentException("unknown seccomp action: \"" + action + "\"");
        }
        return action;
    }

    /** True if the running kernel's major.minor is at least {@code minimum} (Docker's "4.8" form). */
    static boolean atLeast(String kernelVersion, String minimum) {
        int[] have = majorMinor(kernelVersion, "kernel version");
        int[] want = majorMinor(minimum, "minKernel");
        return have[0] != want[0] ? have[0] > want[0] : have[1] >= want[1];
    }

    private static int[] majorMinor(String version, String what) {
        Matcher m = KERNEL.matcher(version.trim());
        if (!m.find()) {
            throw new InvalidArgumentException("invalid " + what + ": \"" + version + "\"");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
