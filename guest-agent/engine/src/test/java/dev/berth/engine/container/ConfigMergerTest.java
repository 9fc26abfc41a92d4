package dev.berth.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.container.model.ContainerConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import dev.berth.oci.RuntimeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** moby's merge of a create request with its image's config (daemon/create.go). */
class ConfigMergerTest {
    static ContainerConfig request(String json) {
        return Json.read(json.getBytes(), ContainerConfig.class);
    }

    static RuntimeConfig image(String json) {
        return Json.read(json.getBytes(), RuntimeConfig.class);
    }

    static final RuntimeConfig IMAGE = image("{\"Env\":[\"PATH=/bin\",\"A=image\"],\"Entrypoint\":[\"/entry\"],"
            + "\"Cmd\":[\"default\"],\"WorkingDir\":\"/app\",\"Labels\":{\"l\":\"image\",\"k\":\"image\"},"
            + "\"Healthcheck\":{\"Test\":[\"CMD\",\"probe\"],\"Interval\":5000000000,\"Retries\":7}}");

    @Test
    void aRequestWithoutEntrypointOrCmdInheritsBoth() {
        ContainerConfig m = ConfigMerger.merge(request("{\"Image\":\"x\"}"), IMAGE, "x", "h");
        assertEquals(List.of("/entry", "default"), ConfigMerger.command(m));
        assertEquals("/app", m.workingDir());
        assertEquals("h", m.hostname());
    }

    @Test
    void aCmdReplacesTheImagesCmdButKeepsItsEntrypoint() {
        ContainerConfig m = ConfigMerger.merge(request("{\"Cmd\":\"mine\"}"), IMAGE, "x", "h");
        assertEquals(List.of("/entry", "mine"), ConfigMerger.command(m), "a bare string is a one-word Cmd");
    }

    @Test
    void anEntrypointDropsTheImagesCmd() {
        ContainerConfig m = ConfigMerger.merge(request("{\"Entrypoint\":[\"sh\"]}"), IMAGE, "x", "h");
        assertEquals(List.of("sh"), ConfigMerger.command(m));
    }

    @Test
    void envMergesByKeyAndLabelsByUnion() {
        ContainerConfig m = ConfigMerger.merge(request("{\"Env\":[\"A=mine\",\"B=1\"],\"Labels\":{\"k\":\"mine\"}}"),
                IMAGE, "x", "h");
        assertEquals(List.of("PATH=/bin", "A=mine", "B=1"), m.env());
        assertEquals("image", m.labels().get("l"));
        assertEquals("mine", m.labels().get("k"));
    }

    @Test
    void pathIsAddedWhenNeitherHasOne() {
        ContainerConfig m = ConfigMerger.merge(request("{\"Cmd\":[\"x\"]}"), RuntimeConfig.empty(), "x", "h");
        assertEquals(List.of(ConfigMerger.DEFAULT_PATH), m.env());
    }

    @Test
    void healthSettingsInheritFieldByField() {
        ContainerConfig m = ConfigMerger.merge(request("{\"Healthcheck\":{\"Interval\":1000000000}}"), IMAGE, "x", "h");
        assertEquals(List.of("CMD", "probe"), m.healthcheck().test(), "no test given: the image's");
        assertEquals(1_000_000_000L, m.healthcheck().interval(), "the request's interval");
        assertEquals(7, m.healthcheck().retries(), "unset retries: the image's");
        ContainerConfig none = ConfigMerger.merge(request("{\"Healthcheck\":{\"Test\":[\"NONE\"]}}"), IMAGE, "x", "h");
        assertEquals(List.of("NONE"), none.healthcheck().test(), "--no-healthcheck wins");
    }

    @Test
    void noCommandAtAllIsDockersError() {
        ContainerConfig m = ConfigMerger.merge(request("{}"), RuntimeConfig.empty(), "x", "h");
        assertEquals("No command specified",
                assertThrows(InvalidArgumentException.class, () -> ConfigMerger.command(m)).getMessage());
    }
}
