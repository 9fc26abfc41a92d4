package dev.berth.engine.container.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.engine.container.spec.SpecInput;
import dev.berth.oci.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The LinuxResources document {@code runc update --resources -} gets. */
class UpdateContainerTest {

    @Test
    @SuppressWarnings("unchecked")
    void swapIsSentOnlyWhenTheKernelCanTakeIt() {
        Map<String, Object> withSwap = Json.read(UpdateContainer.resourcesJson(new SpecInput.Resources(
                48L << 20, 0, 64L << 20, 0, 150_000, 100_000, null, null, 30, 0, false)), Map.class);
        assertEquals(Map.of("limit", 50331648, "swap", 67108864), withSwap.get("memory"));
        assertEquals(Map.of("quota", 150000, "period", 100000), withSwap.get("cpu"));
        assertEquals(Map.of("limit", 30), withSwap.get("pids"));
        Map<String, Object> noSwap = Json.read(UpdateContainer.resourcesJson(new SpecInput.Resources(
                48L << 20, 0, 0, 0, 0, 0, null, null, 0, 0, false)), Map.class);
        assertEquals(Map.of("limit", 50331648), noSwap.get("memory"));
    }
}
