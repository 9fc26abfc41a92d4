package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed image's config, by dockerd's rules, with what a dockerd 20.10 commit gave on this machine
 * ({@code docker create -e FOO=bar -w /work --label a=b bb:1 sh -c 'echo hi'}, then
 * {@code docker commit -c 'LABEL x=y' -c 'ENV Z=1'}) as the expected result.
 */
class CommitConfigTest {
    static ContainerConfig container(List<String> env, List<String> entrypoint, List<String> cmd, String workdir,
            Map<String, String> labels, String user) {
        return new ContainerConfig("e52e383aeae5", "", user, false, true, true, null, false, false, false, env, cmd,
                null, null, "bb:1", null, workdir, entrypoint, null, null, null, labels, null, null, null);
    }

    static final ContainerConfig C1 = container(List.of("FOO=bar"), null, List.of("sh", "-c", "echo hi"), "/work",
            Map.of("a", "b"), "");

    @Test
    void changesApplyOverTheContainersConfig() {
        ContainerConfig c = CommitConfig.build(C1, null, List.of("LABEL x=y", "ENV Z=1"));
        assertEquals(List.of("FOO=bar", "Z=1"), c.env());
        assertEquals(Map.of("a", "b", "x", "y"), c.labels());
        assertEquals(List.of("sh", "-c", "echo hi"), c.cmd());
        assertEquals("/work", c.workingDir());
        assertEquals("bb:1", c.image());
        assertEquals("e52e383aeae5", c.hostname(), "dockerd keeps the container's whole Config");
    }

    @Test
    void noChangesKeepTheContainersConfig() {
        ContainerConfig c = CommitConfig.build(C1, null, List.of());
        assertEquals(C1.env(), c.env());
        assertEquals(C1.cmd(), c.cmd());
        assertEquals(C1.labels(), c.labels());
    }

    @Test
    void newEntrypointDropsTheCommandAsInADockerfile() {
        ContainerConfig c = CommitConfig.build(C1, null, List.of("ENTRYPOINT [\"/bin/app\"]"));
        assertEquals(List.of("/bin/app"), c.entrypoint());
        assertNull(c.cmd(), "merge does not bring the command back once an entrypoint is set");
    }

    @Test
    void bodyConfigIsFilledFromTheContainer() {
        ContainerConfig body = container(List.of("X=1"), null, List.of("/bin/other"), null, null, null);
        ContainerConfig withUser = container(List.of("FOO=bar", "X=0"), null, List.of("sh"), "/work", Map.of("a", "b"),
                "nobody");
        ContainerConfig c = CommitConfig.build(withUser, body, List.of());
        assertEquals(List.of("/bin/other"), c.cmd());
        assertEquals(List.of("X=1", "FOO=bar"), c.env(), "the body wins by key, the container fills the rest");
        assertEquals("nobody", c.user());
        assertEquals("/work", c.workingDir());
        assertEquals(Map.of("a", "b"), c.labels());
    }

    @Test
    void invalidChangesAreRefusedWithDockersText() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> CommitConfig.build(C1, null, List.of("RUN x")));
        assertEquals("run is not a valid change command", e.getMessage());
    }

    @Test
    void imageJsonHasDockerdsShape() {
        ContainerConfig c = CommitConfig.build(C1, null, List.of());
        String json = new String(Json.write(new CommitConfig.Image("amd64", "", c, "abc", C1, "2026-11-22T10:47:46Z",
                List.of(new ImageConfig.History("2026-11-22T10:47:46Z", "sh -c echo hi", "", "msg", null)), "linux",
                null, new ImageConfig.RootFs("layers", List.of()), null)), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"architecture\":\"amd64\",\"config\":{\"Hostname\":\"e52e383aeae5\""), json);
        assertTrue(json.contains(",\"container\":\"abc\",\"container_config\":{"), json);
        assertTrue(json.contains("\"history\":[{\"created\":\"2026-11-22T10:47:46Z\",\"created_by\":\"sh -c echo hi\","
                + "\"comment\":\"msg\"}]"), "empty author and empty_layer left out: " + json);
        assertTrue(!json.contains("\"author\""), json);
    }
}
