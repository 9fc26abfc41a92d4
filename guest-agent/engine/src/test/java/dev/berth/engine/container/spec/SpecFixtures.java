package dev.berth.engine.container.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.berth.oci.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Inputs for spec tests, and the runtime-spec JSON schema check every generated spec must pass. */
final class SpecFixtures {
    static final Path SCHEMA_DIR = Path.of("/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema");
    private static Schema configSchema;

    private SpecFixtures() {}

    /** A plain `docker run busybox sh`: root, isolated namespaces, default security, no limits. */
    static SpecInput input() {
        return new SpecInput("c0ffee", "", Path.of("/var/lib/berth/overlay/c0ffee/merged"),
                List.of("sh", "-c", "echo hi"), List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"),
                "/", new SpecInput.User(0, 0, List.of(), null), false, null,
                List.of(new SpecInput.MountSpec("/etc/hosts", "bind", "/var/lib/berth/c/c0ffee/hosts",
                        List.of("rbind", "rprivate"))),
                SpecInput.Namespaces.isolated(), SpecInput.Security.defaults(), SpecInput.Resources.none(),
                List.of(), "/berth/c0ffee", Map.of(), 64L * 1024 * 1024, null, 0,
                Map.of("org.opencontainers.image.ref.name", "busybox"));
    }

    static SpecInput withSecurity(SpecInput in, SpecInput.Security security) {
        return new SpecInput(in.hostname(), in.domainname(), in.rootfs(), in.args(), in.env(), in.cwd(), in.user(),
                in.terminal(), in.consoleSize(), in.mounts(), in.namespaces(), security, in.resources(),
                in.ulimits(), in.cgroupsPath(), in.sysctls(), in.shmSize(), in.initPath(), in.oomScoreAdj(),
                in.annotations());
    }

    static SpecInput.Security security(boolean privileged, List<String> add, List<String> drop, String seccomp) {
        return new SpecInput.Security(privileged, add, drop, false, seccomp, false, null, null);
    }

    /** The generated spec parsed back, as runc would read it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(SpecInput in) {
        return Json.read(SpecBuilder.containerSpec(in), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    /** Fails with every schema violation listed; skips when the Debian schema package is not installed. */
    static void assertValid(byte[] json) {
        JsonNode node = Json.mapper().readTree(json);
        List<Error> errors = schema().validate(node);
        assertEquals(List.of(), errors.stream().map(Error::toString).toList(),
                () -> "config.json violates the runtime-spec schema:\n" + new String(json));
    }

    static synchronized Schema schema() {
        Path file = SCHEMA_DIR.resolve("config-schema.json");
        assumeTrue(Files.isRegularFile(file), "runtime-spec schema not installed at " + file
                + " (apt-get install golang-github-opencontainers-specs-dev)");
        if (configSchema == null) {
            // the schema's $refs are relative ("defs.json#/..."): an absolute file: location resolves them.
            // Fetching is off by default; allow it for local files only, never the network.
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4,
                    b -> b.schemaLoader(l -> l.fetchRemoteResources()
                            .allow(iri -> iri.toString().startsWith("file:"))));
            configSchema = registry.getSchema(SchemaLocation.of(file.toUri().toString()));
        }
        return configSchema;
    }
}
