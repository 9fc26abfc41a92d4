package dev.berth.engine.container.spec;

import dev.berth.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Seccomp profiles in the OCI runtime-spec form ({@code linux.seccomp}).
 *
 * <p>The builtin profile is equivalent to Docker's default but derived, not copied: it starts from the
 * native system call table of the architecture (a checked-in resource generated from the kernel headers)
 * and removes the calls of {@link SeccompPolicy#DENIED}, the capability-gated calls of
 * {@link SeccompPolicy#GATED} the container lacks, and the calls that get argument rules (clone, clone3,
 * personality, socket). Everything not allowed fails with EPERM, Docker's {@code defaultErrnoRet}.
 *
 * <p>Deliberate differences from Docker's profile, both closing CVE-2026-112917 (a 64-bit container reaching
 * {@code socketcall(SYS_SOCKET, AF_VSOCK)} through the 32-bit x86 ABI, which the AF_VSOCK argument rule on
 * {@code socket} does not see):
 * <ul>
 *   <li>only the native architecture is listed. Docker adds SCMP_ARCH_X86 and SCMP_ARCH_X32 on amd64 and
 *       SCMP_ARCH_ARM on arm64; a system call made through an ABI that the filter does not list hits
 *       libseccomp's bad-architecture action (the thread dies of SIGSYS; SpecRuncIT shows it with runc
 *       1.1.5), so {@code int 0x80} from a 64-bit container is refused, and so are 32-bit (i386, x32,
 *       armhf) images, which then need {@code --security-opt seccomp=...}.</li>
 *   <li>{@code socketcall} is never allowed (the native 64-bit tables do not even have it), where Docker
 *       allows it unconditionally.</li>
 * </ul>
 * Other differences: io_uring is denied as in Docker 25; pivot_root is allowed with CAP_SYS_ADMIN and
 * move_pages/migrate_pages with CAP_SYS_NICE (Docker never allows them; the kernel checks those
 * capabilities itself, and a container holding them can do the same with mount or mbind anyway).
 */
public final class SeccompProfile {
    static final String ALLOW = "SCMP_ACT_ALLOW";
    static final String ERRNO = "SCMP_ACT_ERRNO";
    static final int EPERM = 1;
    static final int ENOSYS = 38;
    /** CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET. */
    static final long CLONE_NAMESPACE_FLAGS = 0x7E020000L;
    static final long AF_VSOCK = 40;
    /** PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, and 0xffffffff (query the persona). */
    static final List<Long> PERSONALITIES = List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);

    private static final Set<String> ARGUMENT_RULES = Set.of("clone", "clone3", "personality", "socket");

    private SeccompProfile() {}

    /**
     * The builtin profile for a Go architecture ({@code amd64}, {@code arm64}) and the container's effective
     * capabilities, which re-enable the gated calls (cap-add SYS_ADMIN allows mount, unshare, ...).
     */
    public static Map<String, Object> dockerDefault(String arch, List<String> effectiveCaps) {
        String goArch = Platform.normalizeArch(arch);
        SyscallTable table = SyscallTable.of(goArch);
        Set<String> caps = Set.copyOf(effectiveCaps);
        List<String> allowed = new ArrayList<>();
        table.numbers().forEach((name, number) -> {
            if (number <= SeccompPolicy.REVIEWED_THROUGH && !ARGUMENT_RULES.contains(name)
                    && SeccompPolicy.allows(name, caps)) {
                allowed.add(name);
            }
        });
        boolean sysAdmin = caps.contains("CAP_SYS_ADMIN");
        if (sysAdmin) {
            // with CAP_SYS_ADMIN new namespaces are the container's right, as in Docker
            allowed.add("clone");
            allowed.add("clone3");
        }
        List<Map<String, Object>> rules = new ArrayList<>();
        rules.add(rule(allowed, ALLOW, null, List.of()));
        if (!sysAdmin) {
            rules.add(rule(List.of("clone"), ALLOW, null,
                    List.of(arg(0, CLONE_NAMESPACE_FLAGS, 0, "SCMP_CMP_MASKED_EQ"))));
            // ENOSYS, not EPERM: glibc then falls back to clone(2), whose flags the rule above can inspect
            // (clone3 passes them in memory, out of seccomp's reach)
            rules.add(rule(List.of("clone3"), ERRNO, ENOSYS, List.of()));
        }
        for (long persona : PERSONALITIES) {
            rules.add(rule(List.of("personality"), ALLOW, null, List.of(arg(0, persona, 0, "SCMP_CMP_EQ"))));
        }
        rules.add(rule(List.of("socket"), ALLOW, null, List.of(arg(0, AF_VSOCK, 0, "SCMP_CMP_NE"))));
        return profile(List.of(nativeArch(goArch)), rules);
    }

    /**
     * A profile in Docker's JSON format ({@code --security-opt seccomp=profile.json}; the CLI sends the
     * content) translated into the OCI form for this architecture, capabilities and the running kernel.
     *
     * @throws dev.berth.engine.errors.InvalidArgumentException for a malformed profile
     */
    public static Map<String, Object> fromDockerJson(String json, String arch, List<String> effectiveCaps) {
        return DockerSeccompProfile.translate(json, Platform.normalizeArch(arch), effectiveCaps,
                System.getProperty("os.version", "0.0"));
    }

    /** As {@link #fromDockerJson(String, String, List)} with the kernel version given (tests). */
    static Map<String, Object> fromDockerJson(String json, String arch, List<String> effectiveCaps,
            String kernelVersion) {
        return DockerSeccompProfile.translate(json, Platform.normalizeArch(arch), effectiveCaps, kernelVersion);
    }

    /** libseccomp's name of a Go architecture's native ABI. */
    static String nativeArch(String goArch) {
        return switch (goArch) {
            case "amd64" -> "SCMP_ARCH_X86_64";
            case "arm64" -> "SCMP_ARCH_AARCH64";
            case "386" -> "SCMP_ARCH_X86";
            case "arm" -> "SCMP_ARCH_ARM";
            case "ppc64le" -> "SCMP_ARCH_PPC64LE";
            case "s390x" -> "SCMP_ARCH_S390X";
            case "riscv64" -> "SCMP_ARCH_RISCV64";
            case "mips64" -> "SCMP_ARCH_MIPS64";
            case "mips64le" -> "SCMP_ARCH_MIPSEL64";
            default -> throw new IllegalArgumentException("no seccomp architecture for " + goArch);
        };
    }

    private static Map<String, Object> profile(List<String> architectures, List<Map<String, Object>> rules) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("defaultAction", ERRNO);
        profile.put("defaultErrnoRet", EPERM);
        profile.put("architectures", architectures);
        profile.put("syscalls", rules);
        return profile;
    }

    static Map<String, Object> rule(List<String> names, String action, Integer errnoRet,
            List<Map<String, Object>> args) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("names", List.copyOf(names));
        rule.put("action", action);
        if (errnoRet != null) {
            rule.put("errnoRet", errnoRet);
        }
        if (!args.isEmpty()) {
            rule.put("args", List.copyOf(args));
        }
        return rule;
    }

    static Map<String, Object> arg(int index, long value, long valueTwo, String op) {
        Map<String, Object> arg = new LinkedHashMap<>();
        arg.put("index", index);
        arg.put("value", value);
        arg.put("valueTwo", valueTwo);
        arg.put("op", op);
        return arg;
    }
}
