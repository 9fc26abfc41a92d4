package dev.berth.engine.container.spec;

import static dev.berth.engine.container.spec.SpecFixtures.list;
import static dev.berth.engine.container.spec.SpecFixtures.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeccompProfileTest {
    static final List<String> DEFAULT_CAPS = Capabilities.DEFAULT;

    /** The profile through JSON and back, as runc reads it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> profile(String arch, List<String> caps) {
        return Json.read(Json.write(SeccompProfile.dockerDefault(arch, caps)), Map.class);
    }

    static List<Map<String, Object>> rules(Map<String, Object> profile) {
        return list(profile.get("syscalls")).stream().map(SpecFixtures::map).toList();
    }

    /** Names of the rules that allow a call without any argument condition. */
    static List<String> unconditionallyAllowed(Map<String, Object> profile) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> rule : rules(profile)) {
            if (rule.get("action").equals("SCMP_ACT_ALLOW") && rule.get("args") == null) {
                list(rule.get("names")).forEach(n -> names.add((String) n));
            }
        }
        return names;
    }

    static List<Map<String, Object>> rulesFor(Map<String, Object> profile, String name) {
        return rules(profile).stream().filter(r -> list(r.get("names")).contains(name)).toList();
    }

    @Test
    void deniesWithEpermByDefaultOnTheNativeArchitectureOnly() {
        Map<String, Object> amd64 = profile("amd64", DEFAULT_CAPS);
        assertEquals("SCMP_ACT_ERRNO", amd64.get("defaultAction"));
        assertEquals(1, amd64.get("defaultErrnoRet"));
        // no SCMP_ARCH_X86 (CVE-2026-112917: socketcall through int 0x80), no x32
        assertEquals(List.of("SCMP_ARCH_X86_64"), amd64.get("architectures"));
        assertEquals(List.of("SCMP_ARCH_AARCH64"), profile("arm64", DEFAULT_CAPS).get("architectures"));
        assertEquals(List.of("SCMP_ARCH_AARCH64"), profile("aarch64", DEFAULT_CAPS).get("architectures"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void keyCallsAreNotAllowedWithDefaultCapabilities(String arch) {
        Map<String, Object> p = profile(arch, DEFAULT_CAPS);
        List<String> allowed = unconditionallyAllowed(p);
        for (String denied : List.of("keyctl", "add_key", "request_key", "unshare", "setns", "mount", "umount2",
                "socketcall", "io_uring_setup", "io_uring_enter", "userfaultfd", "kexec_load", "bpf",
                "perf_event_open", "open_by_handle_at", "init_module", "reboot", "clock_settime", "pivot_root",
                "fsopen", "open_tree", "move_mount", "kcmp", "mbind", "swapon", "acct", "clone", "clone3",
                "socket", "personality")) {
            assertFalse(allowed.contains(denied), denied + " must not be allowed unconditionally on " + arch);
        }
        assertTrue(rulesFor(p, "socketcall").isEmpty(), "socketcall appears in no rule");
        for (String ordinary : List.of("read", "write", "openat", "execve", "exit_group", "ptrace",
                "process_vm_readv", "name_to_handle_at", "adjtimex", "clock_adjtime", "chroot", "wait4",
                "fchmodat2", "rt_sigreturn", "futex")) {
            assertTrue(allowed.contains(ordinary), ordinary + " must be allowed on " + arch);
        }
    }

    @Test
    void archSpecificCallsFollowTheTable() {
        List<String> amd64 = unconditionallyAllowed(profile("amd64", DEFAULT_CAPS));
        List<String> arm64 = unconditionallyAllowed(profile("arm64", DEFAULT_CAPS));
        assertTrue(amd64.containsAll(List.of("arch_prctl", "open", "stat", "fork")));
        assertFalse(arm64.contains("open"), "arm64 has no open(2), only openat");
        assertTrue(arm64.containsAll(List.of("openat", "newfstatat", "renameat")));
    }

    @Test
    void cloneIsAllowedOnlyWithoutNamespaceFlags() {
        List<Map<String, Object>> clone = rulesFor(profile("amd64", DEFAULT_CAPS), "clone");
        assertEquals(1, clone.size());
        Map<String, Object> arg = map(list(clone.getFirst().get("args")).getFirst());
        assertEquals(Map.of("index", 0, "value", 0x7E020000, "valueTwo", 0, "op", "SCMP_CMP_MASKED_EQ"), arg);
        assertEquals("SCMP_ACT_ALLOW", clone.getFirst().get("action"));
    }

    @Test
    void clone3FailsWithEnosysSoLibcFallsBackToClone() {
        List<Map<String, Object>> clone3 = rulesFor(profile("amd64", DEFAULT_CAPS), "clone3");
        assertEquals(List.of(Map.of("names", List.of("clone3"), "action", "SCMP_ACT_ERRNO", "errnoRet", 38)),
                clone3);
    }

    @Test
    void personalityIsAllowedForFiveValuesOnly() {
        List<Long> values = new ArrayList<>();
        for (Map<String, Object> rule : rulesFor(profile("amd64", DEFAULT_CAPS), "personality")) {
            Map<String, Object> arg = map(list(rule.get("args")).getFirst());
            assertEquals("SCMP_CMP_EQ", arg.get("op"));
            assertEquals(0, arg.get("index"));
            values.add(((Number) arg.get("value")).longValue());
        }
        assertEquals(List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL), values);
    }

    @Test
    void socketIsAllowedForEveryFamilyButVsock() {
        List<Map<String, Object>> socket = rulesFor(profile("amd64", DEFAULT_CAPS), "socket");
        assertEquals(1, socket.size());
        assertEquals(Map.of("index", 0, "value", 40, "valueTwo", 0, "op", "SCMP_CMP_NE"),
                map(list(socket.getFirst().get("args")).getFirst()));
    }

    @Test
    void capAddSysAdminReenablesMountUnshareAndFreeClone() {
        List<String> caps = Capabilities.resolve(false, List.of("SYS_ADMIN"), List.of());
        Map<String, Object> p = profile("amd64", caps);
        List<String> allowed = unconditionallyAllowed(p);
        assertTrue(allowed.containsAll(List.of("mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf",
                "perf_event_open", "syslog", "sethostname", "pivot_root")));
        assertTrue(rulesFor(p, "clone3").stream().noneMatch(r -> r.get("action").equals("SCMP_ACT_ERRNO")));
        assertEquals(1, rulesFor(p, "clone").size(), "no masked clone rule next to the free one");
        // still never: the keyring and io_uring are not a matter of capabilities
        assertFalse(allowed.contains("keyctl"));
        assertFalse(allowed.contains("io_uring_setup"));
    }

    @Test
    void eachGateOpensWithItsOwnCapability() {
        assertTrue(unconditionallyAllowed(profile("amd64", List.of("CAP_SYS_PTRACE"))).contains("kcmp"));
        assertTrue(unconditionallyAllowed(profile("amd64", List.of("CAP_SYS_TIME"))).contains("clock_settime"));
        assertTrue(unconditionallyAllowed(profile("amd64", List.of("CAP_BPF"))).contains("bpf"));
        assertTrue(unconditionallyAllowed(profile("amd64", List.of("CAP_SYS_RAWIO"))).contains("iopl"));
        assertTrue(unconditionallyAllowed(profile("amd64", List.of("CAP_DAC_READ_SEARCH")))
                .contains("open_by_handle_at"));
        assertFalse(unconditionallyAllowed(profile("amd64", List.of())).contains("chroot"));
    }

    @Test
    void nothingNewerThanTheReviewedNumberIsAllowed() {
        SyscallTable table = SyscallTable.of("amd64");
        for (String name : unconditionallyAllowed(profile("amd64", Capabilities.all()))) {
            assertTrue(table.numbers().get(name) <= SeccompPolicy.REVIEWED_THROUGH, name);
        }
    }

    @Test
    void tablesMatchTheKernelNumbering() {
        assertEquals(0, SyscallTable.of("amd64").numbers().get("read"));
        assertEquals(56, SyscallTable.of("amd64").numbers().get("clone"));
        assertEquals(435, SyscallTable.of("amd64").numbers().get("clone3"));
        assertEquals(220, SyscallTable.of("arm64").numbers().get("clone"));
        assertEquals(79, SyscallTable.of("arm64").numbers().get("newfstatat"));
        assertFalse(SyscallTable.of("amd64").contains("socketcall"));
        assertThrows(IllegalStateException.class, () -> SyscallTable.parse("read 0\nread 1\n"));
        assertThrows(IllegalArgumentException.class, () -> SeccompProfile.dockerDefault("mips64", DEFAULT_CAPS));
    }
}
