package dev.berth.engine.container.spec;

import static dev.berth.engine.container.spec.SpecFixtures.assertValid;
import static dev.berth.engine.container.spec.SpecFixtures.input;
import static dev.berth.engine.container.spec.SpecFixtures.security;
import static dev.berth.engine.container.spec.SpecFixtures.withSecurity;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of generated spec validates against the OCI runtime-spec JSON schema runc's spec comes from. */
class SpecSchemaTest {
    static final String CUSTOM_PROFILE = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": []}],
             "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                          {"name": "personality", "action": "SCMP_ACT_ALLOW",
                           "args": [{"index": 0, "value": 4294967295, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}]}
            """;

    static Stream<Arguments> variants() {
        SpecInput base = input();
        return Stream.of(
                Arguments.of("default", base),
                Arguments.of("privileged", withSecurity(base, security(true, List.of(), List.of(), "default"))),
                Arguments.of("cap-add/drop", withSecurity(base,
                        security(false, List.of("sys_admin", "NET_ADMIN"), List.of("CAP_CHOWN"), "default"))),
                Arguments.of("read-only rootfs", withSecurity(base, new SpecInput.Security(false, List.of(),
                        List.of(), false, "default", true, null, null))),
                Arguments.of("no-new-privileges", withSecurity(base, new SpecInput.Security(false, List.of(),
                        List.of(), true, "default", false, null, null))),
                Arguments.of("limits", limited(base)),
                Arguments.of("ulimits and tty", ttyWithUlimits(base)),
                Arguments.of("init", withInit(base)),
                Arguments.of("host namespaces", withNamespaces(base,
                        new SpecInput.Namespaces("host", "host", "host", "host", false))),
                Arguments.of("joined namespaces", withNamespaces(base, new SpecInput.Namespaces(
                        "/var/run/netns/berth-c0ffee", "/proc/42/ns/pid", "/proc/42/ns/ipc", null, true))),
                Arguments.of("custom seccomp", withSecurity(base, security(false, List.of(), List.of(),
                        CUSTOM_PROFILE))),
                Arguments.of("unconfined", withSecurity(base, security(false, List.of(), List.of(), "unconfined"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void generatedSpecValidates(String name, SpecInput in) {
        assertValid(SpecBuilder.containerSpec(in));
    }

    @Test
    void arm64SpecValidates() {
        assertValid(dev.berth.oci.Json.write(SpecBuilder.containerSpecMap(input(), "arm64")));
    }

    @Test
    void execProcessValidatesAsTheProcessOfASpec() {
        byte[] process = SpecBuilder.execProcess(new SpecInput.User(1000, 1000, List.of(10L), 18), List.of("id"),
                List.of("PATH=/bin"), "/tmp", true, new SpecInput.ConsoleSize(24, 80),
                SpecInput.Security.defaults(), List.of(new SpecInput.Ulimit("nofile", 1024, 4096)));
        String wrapped = "{\"ociVersion\":\"1.0.2\",\"process\":" + new String(process, StandardCharsets.UTF_8) + "}";
        assertValid(wrapped.getBytes(StandardCharsets.UTF_8));
    }

    /** The check itself must be able to fail, or the tests above prove nothing. */
    @Test
    void schemaRejectsABrokenSpec() {
        SpecFixtures.schema(); // skips here, not inside assertThrows, when the schema is missing
        String broken = "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"nofile\","
                + "\"soft\":-1,\"hard\":1}]},\"linux\":{\"namespaces\":[{\"type\":\"time\"}]}}";
        assertThrows(AssertionError.class, () -> assertValid(broken.getBytes(StandardCharsets.UTF_8)));
    }

    static SpecInput limited(SpecInput in) {
        return new SpecInput(in.hostname(), in.domainname(), in.rootfs(), in.args(), in.env(), in.cwd(), in.user(),
                in.terminal(), in.consoleSize(), in.mounts(), in.namespaces(), in.security(),
                new SpecInput.Resources(256L << 20, 128L << 20, -1, 512, 150_000, 100_000, "0-1", "0", 100, 500,
                        true),
                in.ulimits(), in.cgroupsPath(), Map.of("net.ipv4.ip_forward", "1"), 128L << 20, in.initPath(),
                -500, in.annotations());
    }

    static SpecInput ttyWithUlimits(SpecInput in) {
        return new SpecInput(in.hostname(), "example.com", in.rootfs(), in.args(), in.env(), "/work",
                new SpecInput.User(1000, 1000, List.of(4L, 27L), 0022), true, new SpecInput.ConsoleSize(40, 120),
                in.mounts(), in.namespaces(), in.security(), in.resources(),
                List.of(new SpecInput.Ulimit("nofile", 1024, 524288), new SpecInput.Ulimit("core", -1, -1)),
                in.cgroupsPath(), in.sysctls(), in.shmSize(), in.initPath(), in.oomScoreAdj(), in.annotations());
    }

    static SpecInput withInit(SpecInput in) {
        return new SpecInput(in.hostname(), in.domainname(), in.rootfs(), in.args(), in.env(), in.cwd(), in.user(),
                in.terminal(), in.consoleSize(), in.mounts(), in.namespaces(), in.security(), in.resources(),
                in.ulimits(), in.cgroupsPath(), in.sysctls(), in.shmSize(), Path.of("/usr/libexec/berth/tini"),
                in.oomScoreAdj(), in.annotations());
    }

    static SpecInput withNamespaces(SpecInput in, SpecInput.Namespaces ns) {
        return new SpecInput(in.hostname(), in.domainname(), in.rootfs(), in.args(), in.env(), in.cwd(), in.user(),
                in.terminal(), in.consoleSize(), in.mounts(), ns, in.security(), in.resources(), in.ulimits(),
                in.cgroupsPath(), in.sysctls(), in.shmSize(), in.initPath(), in.oomScoreAdj(), in.annotations());
    }
}
