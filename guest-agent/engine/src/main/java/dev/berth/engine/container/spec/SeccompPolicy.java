package dev.berth.engine.container.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which system calls of an architecture's table the builtin profile keeps out: the explicit deny list and
 * the capability gates. Everything else in the table (at or below {@link #REVIEWED_THROUGH}) is allowed.
 * Names that do not exist on an architecture are harmless here: only names from its table are considered.
 */
final class SeccompPolicy {
    /**
     * The highest system call number whose name was reviewed against these lists (462 = mseal, Linux 6.10).
     * A regenerated table with newer calls does not silently allow them: they stay denied until reviewed
     * and this number is raised.
     */
    static final int REVIEWED_THROUGH = 462;

    /** Never allowed by the builtin profile, whatever the capabilities. */
    static final Set<String> DENIED = Set.of(
            // the kernel keyring is not namespaced: keys of the host and other containers are reachable
            "add_key", "keyctl", "request_key",
            // loading a new kernel
            "kexec_load", "kexec_file_load",
            // host-wide swap
            "swapon", "swapoff",
            // obsolete interfaces with a history of bugs; libc does not use them
            "uselib", "_sysctl", "sysfs", "ustat",
            // unimplemented or removed: nothing legitimate calls them
            "nfsservctl", "afs_syscall", "tuxcall", "security", "vserver", "getpmsg", "putpmsg",
            "create_module", "get_kernel_syms", "query_module",
            // exploitation primitives: userfaultfd stretches kernel race windows at will, io_uring runs
            // operations that never pass through seccomp and has had many privilege escalations
            "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
            // the multiplexed 32-bit socket call bypasses the AF_VSOCK rule on socket (CVE-2026-112917);
            // also vm86 mode: neither exists in the native 64-bit tables, listed so that no table adds them
            "socketcall", "vm86", "vm86old");

    /** Allowed only if the container holds at least one of the capabilities. */
    static final Map<String, List<String>> GATED = gates();

    private SeccompPolicy() {}

    static boolean allows(String name, Set<String> caps) {
        if (DENIED.contains(name)) {
            return false;
        }
        List<String> gate = GATED.get(name);
        return gate == null || gate.stream().anyMatch(caps::contains);
    }

    private static Map<String, List<String>> gates() {
        Map<String, List<String>> gates = new HashMap<>();
        // mount and namespace manipulation: the container's filesystem view and isolation are the engine's
        gate(gates, List.of("CAP_SYS_ADMIN"), "mount", "umount", "umount2", "pivot_root", "unshare", "setns",
                "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
                "statmount", "listmount", "quotactl", "quotactl_fd", "fanotify_init", "lookup_dcookie",
                "sethostname", "setdomainname", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules");
        gate(gates, List.of("CAP_SYS_ADMIN", "CAP_SYSLOG"), "syslog");
        gate(gates, List.of("CAP_SYS_ADMIN", "CAP_BPF"), "bpf");
        gate(gates, List.of("CAP_SYS_ADMIN", "CAP_PERFMON"), "perf_event_open");
        gate(gates, List.of("CAP_SYS_MODULE"), "init_module", "finit_module", "delete_module");
        gate(gates, List.of("CAP_SYS_BOOT"), "reboot");
        // adjtimex and clock_adjtime stay allowed: reading is harmless and the kernel demands CAP_SYS_TIME
        // for any change
        gate(gates, List.of("CAP_SYS_TIME"), "settimeofday", "stime", "clock_settime", "clock_settime64");
        gate(gates, List.of("CAP_SYS_RAWIO"), "iopl", "ioperm");
        gate(gates, List.of("CAP_DAC_READ_SEARCH"), "open_by_handle_at");
        // ptrace and process_vm_* stay allowed: since Linux 4.8 a tracer cannot bypass the tracee's seccomp
        gate(gates, List.of("CAP_SYS_PTRACE"), "kcmp", "pidfd_getfd", "process_madvise");
        gate(gates, List.of("CAP_SYS_NICE"), "mbind", "get_mempolicy", "set_mempolicy",
                "set_mempolicy_home_node", "move_pages", "migrate_pages");
        gate(gates, List.of("CAP_SYS_PACCT"), "acct");
        gate(gates, List.of("CAP_SYS_CHROOT"), "chroot");
        gate(gates, List.of("CAP_SYS_TTY_CONFIG"), "vhangup");
        return Map.copyOf(gates);
    }

    private static void gate(Map<String, List<String>> gates, List<String> caps, String... names) {
        for (String name : names) {
            if (gates.put(name, caps) != null) {
                throw new IllegalStateException("system call gated twice: " + name);
            }
        }
    }
}
