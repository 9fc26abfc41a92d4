package dev.berth.engine.container.spec;

import static dev.berth.engine.container.spec.SpecFixtures.input;
import static dev.berth.engine.container.spec.SpecFixtures.list;
import static dev.berth.engine.container.spec.SpecFixtures.map;
import static dev.berth.engine.container.spec.SpecFixtures.security;
import static dev.berth.engine.container.spec.SpecFixtures.spec;
import static dev.berth.engine.container.spec.SpecFixtures.withSecurity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecBuilderTest {

    static Map<String, Object> mount(Map<String, Object> spec, String destination) {
        return list(spec.get("mounts")).stream().map(SpecFixtures::map)
                .filter(m -> m.get("destination").equals(destination)).findFirst().orElse(null);
    }

    @Test
    void processCarriesDockersDefaultCapabilitiesAndNoInheritableOrAmbient() {
        Map<String, Object> process = map(spec(input()).get("process"));
        Map<String, Object> caps = map(process.get("capabilities"));
        for (String set : List.of("bounding", "effective", "permitted")) {
            assertEquals(Capabilities.DEFAULT, caps.get(set), set);
        }
        assertEquals(List.of(), caps.get("inheritable"));
        assertEquals(List.of(), caps.get("ambient"));
        assertEquals(false, process.get("noNewPrivileges"));
        // the primary group is also the first supplementary one, as in Docker since CVE-2022-36109
        assertEquals(Map.of("uid", 0, "gid", 0, "additionalGids", List.of(0)), process.get("user"));
        assertEquals(0, process.get("oomScoreAdj"));
        assertEquals("1.0.2", spec(input()).get("ociVersion"));
    }

    @Test
    void defaultMountsHaveDockersOptionsThenTheContainersOwn() {
        Map<String, Object> spec = spec(input());
        List<String> destinations = list(spec.get("mounts")).stream()
                .map(m -> (String) map(m).get("destination")).toList();
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm",
                "/etc/hosts"), destinations);
        assertEquals(List.of("nosuid", "noexec", "nodev"), mount(spec, "/proc").get("options"));
        assertEquals(List.of("nosuid", "strictatime", "mode=755", "size=65536k"), mount(spec, "/dev").get("options"));
        assertEquals(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                mount(spec, "/dev/pts").get("options"));
        assertEquals(List.of("nosuid", "noexec", "nodev", "ro"), mount(spec, "/sys").get("options"));
        assertEquals("cgroup", mount(spec, "/sys/fs/cgroup").get("type"));
        assertEquals(List.of("ro", "nosuid", "noexec", "nodev"), mount(spec, "/sys/fs/cgroup").get("options"));
        assertEquals("mqueue", mount(spec, "/dev/mqueue").get("type"));
        assertEquals(List.of("nosuid", "noexec", "nodev", "mode=1777", "size=67108864"),
                mount(spec, "/dev/shm").get("options"));
    }

    @Test
    void aContainerMountReplacesTheDefaultOnTheSameDestinationAndParentsComeFirst() {
        SpecInput in = input();
        List<SpecInput.MountSpec> mounts = List.of(
                new SpecInput.MountSpec("/data/cache", "tmpfs", null, List.of("size=1m")),
                new SpecInput.MountSpec("/dev/shm/", "bind", "/var/lib/berth/shm/c0ffee", List.of("rbind")),
                new SpecInput.MountSpec("/data", "bind", "/srv/data", List.of("rbind", "ro")));
        SpecInput custom = new SpecInput(in.hostname(), in.domainname(), in.rootfs(), in.args(), in.env(), in.cwd(),
                in.user(), in.terminal(), in.consoleSize(), mounts, in.namespaces(), in.security(), in.resources(),
                in.ulimits(), in.cgroupsPath(), in.sysctls(), in.shmSize(), in.initPath(), in.oomScoreAdj(),
                in.annotations());
        Map<String, Object> spec = spec(custom);
        List<String> destinations = list(spec.get("mounts")).stream()
                .map(m -> (String) map(m).get("destination")).toList();
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/data",
                "/data/cache", "/dev/shm/"), destinations);
        assertEquals("tmpfs", mount(spec, "/data/cache").get("source"));
    }

    @Test
    void maskedAndReadonlyPathsAreDockersAndPrivilegedHasNone() {
        Map<String, Object> linux = map(spec(input()).get("linux"));
        List<Object> masked = list(linux.get("maskedPaths"));
        assertTrue(masked.containsAll(List.of("/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore",
                "/proc/keys", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
                "/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware")));
        masked.subList(12, masked.size()).forEach(p ->
                assertTrue(((String) p).matches("/sys/devices/system/cpu/cpu\\d+/thermal_throttle"), (String) p));
        assertEquals(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
                linux.get("readonlyPaths"));
        Map<String, Object> privileged = map(spec(withSecurity(input(),
                security(true, List.of(), List.of(), "default"))).get("linux"));
        assertNull(privileged.get("maskedPaths"));
        assertNull(privileged.get("readonlyPaths"));
        Map<String, Object> unmasked = map(spec(withSecurity(input(), new SpecInput.Security(false, List.of(),
                List.of(), false, "default", false, List.of(), List.of()))).get("linux"));
        assertEquals(List.of(), unmasked.get("maskedPaths"));
    }

    @Test
    void devicesAreDeniedThenDockersAllowList() {
        List<String> rules = list(map(map(spec(input()).get("linux")).get("resources")).get("devices")).stream()
                .map(SpecFixtures::map).map(SpecBuilderTest::deviceRule).toList();
        assertEquals(List.of("deny a *:* rwm", "allow c *:* m", "allow b *:* m", "allow c 1:3 rwm",
                "allow c 1:5 rwm", "allow c 1:7 rwm", "allow c 1:8 rwm", "allow c 1:9 rwm", "allow c 5:0 rwm",
                "allow c 5:1 rwm", "allow c 5:2 rwm", "allow c 136:* rwm", "allow c 10:200 rwm"), rules);
    }

    static String deviceRule(Map<String, Object> d) {
        return ((Boolean) d.get("allow") ? "allow " : "deny ") + d.get("type") + " "
                + (d.get("major") == null ? "*" : d.get("major")) + ":"
                + (d.get("minor") == null ? "*" : d.get("minor")) + " " + d.get("access");
    }

    @Test
    void privilegedGetsAllCapabilitiesAllDevicesWritableSysAndNoSeccomp() {
        Map<String, Object> spec = spec(withSecurity(input(), security(true, List.of(), List.of("ALL"), "default")));
        assertEquals(Capabilities.all(), map(map(spec.get("process")).get("capabilities")).get("effective"));
        Map<String, Object> linux = map(spec.get("linux"));
        assertNull(linux.get("seccomp"));
        assertEquals(List.of(Map.of("allow", true, "type", "a", "access", "rwm")),
                map(linux.get("resources")).get("devices"));
        assertTrue(list(linux.get("devices")).contains(Map.of("path", "/dev/null", "type", "c", "major", 1,
                "minor", 3, "fileMode", 0666, "uid", 0, "gid", 0)), "the host's devices are in /dev: " + linux);
        assertNull(map(spec(input()).get("linux")).get("devices"), "only privileged containers get them");
        assertFalse(list(mount(spec, "/sys").get("options")).contains("ro"));
        assertFalse(list(mount(spec, "/sys/fs/cgroup").get("options")).contains("ro"));
    }

    @Test
    void seccompFollowsTheSecurityOption() {
        assertEquals(List.of("SCMP_ARCH_X86_64"), map(map(spec(input()).get("linux")).get("seccomp"))
                .get("architectures"));
        assertNull(map(spec(withSecurity(input(), security(false, List.of(), List.of(), "unconfined")))
                .get("linux")).get("seccomp"));
        Map<String, Object> custom = map(map(spec(withSecurity(input(), security(false, List.of(), List.of(),
                SpecSchemaTest.CUSTOM_PROFILE))).get("linux")).get("seccomp"));
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X32"), custom.get("architectures"));
    }

    @Test
    void hostNamespacesAreLeftOutAndJoinedOnesHaveTheirPath() {
        Map<String, Object> host = spec(SpecSchemaTest.withNamespaces(input(),
                new SpecInput.Namespaces("host", "host", "host", "host", false)));
        assertEquals(List.of(Map.of("type", "mount")), map(host.get("linux")).get("namespaces"));
        assertNull(host.get("hostname"), "no hostname without a UTS namespace of our own");
        Map<String, Object> joined = spec(SpecSchemaTest.withNamespaces(input(), new SpecInput.Namespaces(
                "/var/run/netns/berth-c0ffee", "/proc/42/ns/pid", null, null, true)));
        assertEquals(List.of(Map.of("type", "mount"), Map.of("type", "network", "path", "/var/run/netns/berth-c0ffee"),
                Map.of("type", "uts"), Map.of("type", "pid", "path", "/proc/42/ns/pid"), Map.of("type", "ipc"),
                Map.of("type", "cgroup")), map(joined.get("linux")).get("namespaces"));
        assertEquals("c0ffee", joined.get("hostname"));
        assertThrows(InvalidArgumentException.class, () -> spec(SpecSchemaTest.withNamespaces(input(),
                new SpecInput.Namespaces("netns/x", null, null, null, false))));
    }

    @Test
    void limitsBecomeCgroupResources() {
        Map<String, Object> spec = spec(SpecSchemaTest.limited(input()));
        Map<String, Object> resources = map(map(spec.get("linux")).get("resources"));
        assertEquals(Map.of("limit", 268435456, "reservation", 134217728, "swap", -1, "disableOOMKiller", true),
                resources.get("memory"));
        assertEquals(Map.of("shares", 512, "quota", 150000, "period", 100000, "cpus", "0-1", "mems", "0"),
                resources.get("cpu"));
        assertEquals(Map.of("limit", 100), resources.get("pids"));
        assertEquals(Map.of("weight", 500), resources.get("blockIO"));
        assertEquals(Map.of("net.ipv4.ip_forward", "1"), map(spec.get("linux")).get("sysctl"));
        assertEquals(-500, map(spec.get("process")).get("oomScoreAdj"));
        assertTrue(list(mount(spec, "/dev/shm").get("options")).contains("size=134217728"));
        Map<String, Object> none = map(map(spec(input()).get("linux")).get("resources"));
        assertEquals(List.of("devices"), List.copyOf(none.keySet()));
    }

    @Test
    void ttyUserAndUlimitsReachTheProcess() {
        Map<String, Object> process = map(spec(SpecSchemaTest.ttyWithUlimits(input())).get("process"));
        assertEquals(true, process.get("terminal"));
        assertEquals(Map.of("height", 40, "width", 120), process.get("consoleSize"));
        assertEquals(Map.of("uid", 1000, "gid", 1000, "additionalGids", List.of(1000, 4, 27), "umask", 18),
                process.get("user"));
        assertEquals("/work", process.get("cwd"));
        assertEquals(List.of(Map.of("type", "RLIMIT_NOFILE", "soft", 1024, "hard", 524288),
                Map.of("type", "RLIMIT_CORE", "soft", new java.math.BigInteger("18446744073709551615"),
                        "hard", new java.math.BigInteger("18446744073709551615"))), process.get("rlimits"));
    }

    @Test
    void badUlimitsAreTheUsersError() {
        assertEquals("invalid ulimit type: nofiles", assertThrows(InvalidArgumentException.class,
                () -> SpecResources.rlimits(List.of(new SpecInput.Ulimit("nofiles", 1, 1)))).getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> SpecResources.rlimits(List.of(new SpecInput.Ulimit("nofile", 10, 1))));
    }

    @Test
    void initRunsFirstFromAReadOnlyBind() {
        Map<String, Object> spec = spec(SpecSchemaTest.withInit(input()));
        assertEquals(List.of("/sbin/docker-init", "--", "sh", "-c", "echo hi"), map(spec.get("process")).get("args"));
        assertEquals(Map.of("destination", "/sbin/docker-init", "type", "bind", "source", "/usr/libexec/berth/tini",
                "options", List.of("bind", "ro")), mount(spec, "/sbin/docker-init"));
    }

    @Test
    void readonlyRootfsAndNoNewPrivileges() {
        Map<String, Object> spec = spec(withSecurity(input(), new SpecInput.Security(false, List.of(), List.of(),
                true, "default", true, null, null)));
        assertEquals(Map.of("path", "/var/lib/berth/overlay/c0ffee/merged", "readonly", true), spec.get("root"));
        assertEquals(true, map(spec.get("process")).get("noNewPrivileges"));
        assertEquals(Map.of("org.opencontainers.image.ref.name", "busybox"), spec.get("annotations"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void execProcessHasTheContainersSecuritySettings() {
        SpecInput.Security sec = new SpecInput.Security(false, List.of("NET_ADMIN"), List.of("MKNOD"), true,
                "default", false, null, null);
        Map<String, Object> process = Json.read(SpecBuilder.execProcess(new SpecInput.User(0, 0, List.of(), null),
                List.of("ps"), List.of("PATH=/bin"), "", false, null, sec,
                List.of(new SpecInput.Ulimit("nproc", 100, 200))), Map.class);
        List<Object> effective = list(map(process.get("capabilities")).get("effective"));
        assertTrue(effective.contains("CAP_NET_ADMIN"));
        assertFalse(effective.contains("CAP_MKNOD"));
        assertEquals(true, process.get("noNewPrivileges"));
        assertEquals("/", process.get("cwd"));
        assertNull(process.get("apparmorProfile"));
        assertEquals(List.of(Map.of("type", "RLIMIT_NPROC", "soft", 100, "hard", 200)), process.get("rlimits"));
    }
}
