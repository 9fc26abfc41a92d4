package dev.berth.engine.container.spec;

import dev.berth.engine.errors.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Linux capabilities the way Docker resolves {@code --cap-add}/{@code --cap-drop}/{@code --privileged}
 * (moby {@code oci/caps}): names are case-insensitive, the {@code CAP_} prefix is optional, {@code ALL} stands
 * for every capability of the running kernel, and an unknown name is the user's error.
 */
public final class Capabilities {
    /** Every capability name, indexed by its number (include/uapi/linux/capability.h, 0..40). */
    static final List<String> KNOWN = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
            "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
            "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
            "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** Docker's default set (moby oci/caps/defaults.go): CapEff 00000000a80425fb. */
    public static final List<String> DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE");

    private static final String ALL = "ALL";
    private static final List<String> SUPPORTED =
            KNOWN.subList(0, lastCap(Path.of("/proc/sys/kernel/cap_last_cap")) + 1);
    private static final List<String> GRANTABLE = grantable(SUPPORTED, Path.of("/proc/self/status"));

    private Capabilities() {}

    /**
     * What a privileged container (or cap-add ALL) gets: every capability of the running kernel that the
     * engine itself holds in its bounding set. Docker takes every kernel capability, which makes runc fail
     * with "unable to apply caps" when the engine runs with a reduced set (nested in another container);
     * as the full-root guest agent both are the same.
     */
    public static List<String> all() {
        return GRANTABLE;
    }

    /**
     * The capability set of a container, Docker's TweakCapabilities: privileged gets all; an {@code ALL} in
     * {@code add} means all minus {@code drop}; an {@code ALL} in {@code drop} means exactly {@code add};
     * otherwise the default set minus {@code drop} plus {@code add}.
     *
     * @throws InvalidArgumentException for a name the running kernel does not know
     */
    public static List<String> resolve(boolean privileged, List<String> add, List<String> drop) {
        if (privileged) {
            return all();
        }
        List<String> adds = normalize(add == null ? List.of() : add);
        List<String> drops = normalize(drop == null ? List.of() : drop);
        Set<String> caps = new LinkedHashSet<>();
        if (adds.contains(ALL)) {
            all().stream().filter(c -> !drops.contains(c)).forEach(caps::add);
        } else if (drops.contains(ALL)) {
            caps.addAll(adds);
        } else {
            DEFAULT.stream().filter(c -> !drops.contains(c)).forEach(caps::add);
            caps.addAll(adds);
        }
        return List.copyOf(caps);
    }

    /** The kernel's bit mask of {@code names}, as /proc/PID/status prints it (CapEff etc.). */
    public static long mask(List<String> names) {
        long mask = 0;
        for (String name : names) {
            int bit = KNOWN.indexOf(name);
            if (bit < 0) {
                throw new IllegalArgumentException("unknown capability: \"" + name + "\"");
            }
            mask |= 1L << bit;
        }
        return mask;
    }

    /** Upper case, {@code CAP_} prefixed, checked against the running kernel's capabilities. */
    static List<String> normalize(List<String> names) {
        List<String> result = new ArrayList<>();
        for (String raw : names) {
            String name = raw.trim().toUpperCase(Locale.ROOT);
            if (!name.equals(ALL) && !name.startsWith("CAP_")) {
                name = "CAP_" + name;
            }
            if (!name.equals(ALL) && !SUPPORTED.contains(name)) {
                // Docker's exact wording (moby oci/caps NormalizeLegacyCapabilities), %q quoting
                throw new InvalidArgumentException("unknown capability: \"" + name + "\"");
            }
            result.add(name);
        }
        return result;
    }

    /** {@code caps} restricted to the CapBnd line of a /proc/PID/status file; all of them if unreadable. */
    static List<String> grantable(List<String> caps, Path status) {
        try (InputStream in = Files.newInputStream(status)) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                if (line.startsWith("CapBnd:")) {
                    long bounding = Long.parseUnsignedLong(line.substring("CapBnd:".length()).trim(), 16);
                    return caps.stream().filter(c -> (bounding & (1L << KNOWN.indexOf(c))) != 0).toList();
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: nothing to restrict by
        }
        return caps;
    }

    /**
     * The highest capability number of the running kernel. A capability newer than the kernel must not be
     * requested (runc fails on it), and one the kernel has but this table lacks cannot be named; when the
     * file is unreadable (not Linux, unit tests elsewhere) every known capability is assumed.
     */
    static int lastCap(Path file) {
        // a stream, not Files.readString: that sizes its read from the file's size, which procfs reports as 0,
        // and was seen returning "4" for "40"
        try (InputStream in = Files.newInputStream(file)) {
            int last = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
            return Math.clamp(last, 0, KNOWN.size() - 1);
        } catch (IOException | NumberFormatException e) {
            return KNOWN.size() - 1;
        }
    }
}
