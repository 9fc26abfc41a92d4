package dev.berth.engine.container.spec;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a {@code --tmpfs} mount the way moby writes them (daemon/oci_linux.go WithMounts and
 * pkg/mount MergeTmpfsOptions): {@code noexec,nosuid,nodev,rprivate} first, then the user's, and for each
 * flag or data key only the last word counts, so {@code --tmpfs /run:exec,size=1m} ends up executable.
 */
public final class TmpfsOptions {
    /** Docker's defaults for every tmpfs, ahead of the user's options. */
    static final List<String> DEFAULTS = List.of("noexec", "nosuid", "nodev", "rprivate");

    /** Each mount flag and its opposite share one key: the later of the two wins. */
    private static final Map<String, String> FLAG_KEYS = Map.ofEntries(
            Map.entry("ro", "rdonly"), Map.entry("rw", "rdonly"),
            Map.entry("suid", "nosuid"), Map.entry("nosuid", "nosuid"),
            Map.entry("dev", "nodev"), Map.entry("nodev", "nodev"),
            Map.entry("exec", "noexec"), Map.entry("noexec", "noexec"),
            Map.entry("sync", "sync"), Map.entry("async", "sync"),
            Map.entry("dirsync", "dirsync"), Map.entry("remount", "remount"),
            Map.entry("mand", "mand"), Map.entry("nomand", "mand"),
            Map.entry("atime", "noatime"), Map.entry("noatime", "noatime"),
            Map.entry("diratime", "nodiratime"), Map.entry("nodiratime", "nodiratime"),
            Map.entry("relatime", "relatime"), Map.entry("norelatime", "relatime"),
            Map.entry("strictatime", "strictatime"), Map.entry("nostrictatime", "strictatime"),
            // there is one propagation mode
            Map.entry("bind", "propagation"), Map.entry("rbind", "propagation"),
            Map.entry("unbindable", "propagation"), Map.entry("runbindable", "propagation"),
            Map.entry("private", "propagation"), Map.entry("rprivate", "propagation"),
            Map.entry("shared", "propagation"), Map.entry("rshared", "propagation"),
            Map.entry("slave", "propagation"), Map.entry("rslave", "propagation"));
    /** The tmpfs data options Docker accepts. */
    private static final Set<String> DATA_KEYS = Set.of("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks",
            "mpol");

    private TmpfsOptions() {}

    /**
     * The mount for {@code --tmpfs destination:options}.
     *
     * @throws InvalidArgumentException "Invalid tmpfs option [...]" for a word that is neither a flag nor a
     *                                  known data key, as Docker words it
     */
    public static SpecInput.MountSpec mount(String destination, String options) {
        List<String> all = new ArrayList<>(DEFAULTS);
        if (options != null && !options.isEmpty()) {
            all.addAll(List.of(options.split(",")));
        }
        return new SpecInput.MountSpec(destination, "tmpfs", "tmpfs", merge(all));
    }

    /** Docker's MergeTmpfsOptions: walked from the end, keeping the first word seen per key, order kept. */
    static List<String> merge(List<String> options) {
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = options.size() - 1; i >= 0; i--) {
            String option = options.get(i);
            if (option.equals("defaults")) {
                continue;
            }
            String key = FLAG_KEYS.get(option);
            if (key == null) {
                int eq = option.indexOf('=');
                if (eq < 0 || !DATA_KEYS.contains(option.substring(0, eq))) {
                    throw new InvalidArgumentException("Invalid tmpfs option " + goQuoted(option));
                }
                key = "data:" + option.substring(0, eq);
            }
            if (seen.add(key)) {
                out.addFirst(option);
            }
        }
        return out;
    }

    /** Go's %q of the []string Docker prints: the word split at its first '='. */
    private static String goQuoted(String option) {
        int eq = option.indexOf('=');
        List<String> parts = eq < 0 ? List.of(option) : List.of(option.substring(0, eq), option.substring(eq + 1));
        return "[" + String.join(" ", parts.stream().map(p -> "\"" + p.replace("\"", "\\\"") + "\"").toList()) + "]";
    }
}
