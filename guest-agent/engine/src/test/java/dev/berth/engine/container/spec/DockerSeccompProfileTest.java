package dev.berth.engine.container.spec;

import static dev.berth.engine.container.spec.SpecFixtures.list;
import static dev.berth.engine.container.spec.SpecFixtures.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Translation of Docker-format profiles (--security-opt seccomp=file.json) into the OCI form. */
class DockerSeccompProfileTest {
    static final String PROFILE = """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 1,
              "archMap": [
                {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
              ],
              "syscalls": [
                {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                {"name": "getpid", "action": "SCMP_ACT_ALLOW", "comment": "old single-name form"},
                {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
                {"names": ["uselib"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.0"}},
                {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
                 "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
                {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
                {"names": ["cacheflush"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm", "arm64"]}},
                {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                 "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["big"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}
              ]
            }
            """;

    @SuppressWarnings("unchecked")
    static Map<String, Object> translate(String json, String arch, List<String> caps, String kernel) {
        return Json.read(Json.write(SeccompProfile.fromDockerJson(json, arch, caps, kernel)), Map.class);
    }

    static List<String> names(Map<String, Object> profile) {
        return list(profile.get("syscalls")).stream()
                .flatMap(r -> list(map(r).get("names")).stream()).map(String.class::cast).toList();
    }

    @Test
    void archMapContributesTheNativeArchitectureAndItsSubArchitectures() {
        Map<String, Object> amd64 = translate(PROFILE, "amd64", Capabilities.DEFAULT, "6.1.0");
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), amd64.get("architectures"));
        assertEquals("SCMP_ACT_ERRNO", amd64.get("defaultAction"));
        assertEquals(1, amd64.get("defaultErrnoRet"));
        Map<String, Object> arm64 = translate(PROFILE, "arm64", Capabilities.DEFAULT, "6.1.0");
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), arm64.get("architectures"));
    }

    @Test
    void rulesAreFilteredByArchCapabilitiesAndKernel() {
        List<String> amd64 = names(translate(PROFILE, "amd64", Capabilities.DEFAULT, "6.1.0"));
        assertEquals(List.of("read", "write", "getpid", "ptrace", "clone", "arch_prctl", "clone3", "big"), amd64);
        List<String> old = names(translate(PROFILE, "arm64", List.of("CAP_SYS_ADMIN"), "4.4.0-generic"));
        assertEquals(List.of("read", "write", "getpid", "uselib", "mount", "cacheflush", "big"), old);
    }

    @Test
    void argumentsActionsAndErrnoAreCarriedOver() {
        Map<String, Object> p = translate(PROFILE, "amd64", Capabilities.DEFAULT, "6.1.0");
        List<Map<String, Object>> rules = list(p.get("syscalls")).stream().map(SpecFixtures::map).toList();
        Map<String, Object> clone = rules.stream().filter(r -> r.get("names").equals(List.of("clone")))
                .findFirst().orElseThrow();
        assertEquals(Map.of("index", 0, "value", 2114060288, "valueTwo", 0, "op", "SCMP_CMP_MASKED_EQ"),
                map(list(clone.get("args")).getFirst()));
        Map<String, Object> clone3 = rules.stream().filter(r -> r.get("names").equals(List.of("clone3")))
                .findFirst().orElseThrow();
        assertEquals(38, clone3.get("errnoRet"));
        Map<String, Object> big = rules.stream().filter(r -> r.get("names").equals(List.of("big")))
                .findFirst().orElseThrow();
        assertEquals("18446744073709551615", map(list(big.get("args")).getFirst()).get("value").toString());
        assertFalse(rules.stream().anyMatch(r -> r.containsKey("comment") || r.containsKey("includes")));
    }

    @Test
    void plainArchitecturesArePassedThrough() {
        String json = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                + "\"syscalls\":[{\"names\":[\"keyctl\"],\"action\":\"SCMP_ACT_ERRNO\"}]}";
        Map<String, Object> p = translate(json, "amd64", List.of(), "6.1");
        assertEquals(List.of("SCMP_ARCH_X86_64"), p.get("architectures"));
        assertEquals("SCMP_ACT_ALLOW", p.get("defaultAction"));
        assertFalse(p.containsKey("defaultErrnoRet"));
    }

    @Test
    void malformedProfilesAreTheUsersError() {
        assertEquals("seccomp profile has no defaultAction", assertThrows(InvalidArgumentException.class,
                () -> translate("{\"syscalls\":[]}", "amd64", List.of(), "6.1")).getMessage());
        assertTrue(assertThrows(InvalidArgumentException.class,
                () -> translate("not json", "amd64", List.of(), "6.1")).getMessage()
                .startsWith("decoding seccomp profile failed"));
        assertThrows(InvalidArgumentException.class, () -> translate("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                + "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
                "amd64", List.of(), "6.1"));
        assertThrows(InvalidArgumentException.class, () -> translate("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                + "\"syscalls\":[{\"name\":\"a\",\"names\":[\"b\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                "amd64", List.of(), "6.1"));
        assertEquals("unknown seccomp action: \"SCMP_ACT_NOPE\"", assertThrows(InvalidArgumentException.class,
                () -> translate("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "amd64", List.of(), "6.1")).getMessage());
        assertThrows(InvalidArgumentException.class, () -> translate("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                + "\"syscalls\":[{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\","
                + "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}", "amd64", List.of(), "6.1"));
    }

    @Test
    void kernelVersionsCompareByMajorThenMinor() {
        assertTrue(DockerSeccompProfile.atLeast("6.18.44-fc-v595", "4.8"));
        assertTrue(DockerSeccompProfile.atLeast("4.8.0", "4.8"));
        assertFalse(DockerSeccompProfile.atLeast("4.7.10", "4.8"));
        assertFalse(DockerSeccompProfile.atLeast("3.19", "4.8"));
        assertTrue(DockerSeccompProfile.atLeast("5.0", "4.20"));
    }
}
