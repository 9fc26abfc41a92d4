package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.api.client.EngineResponse;
import dev.berth.oci.Json;
import dev.berth.testkit.EngineProcess;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small waits and raw API calls for the limits and security ITs. */
final class LimitsChecks {
    private LimitsChecks() {}

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls every 50 ms for up to 20 s (never a fixed sleep where a condition can be watched). */
    static void await(String what, Condition c) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after 20 s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * {@code POST /containers/create} straight to the engine, for what the CLI would refuse itself;
     * {@code hostConfig} is the inside of the HostConfig object. Returns "status message", or "status" and
     * the new container's ID on success.
     */
    @SuppressWarnings("unchecked")
    static String createStatus(EngineProcess engine, String image, String hostConfig) throws Exception {
        String body = "{\"Image\":\"" + image + "\",\"HostConfig\":{" + hostConfig + "}}";
        EngineClient client = new EngineClient(DockerHost.unix(engine.socket()));
        try (EngineResponse r = client.send("POST", EngineClient.versioned("/containers/create"), "application/json",
                body.getBytes(StandardCharsets.UTF_8))) {
            Map<String, Object> answer = Json.read(r.bytes(), Map.class);
            Object text = r.status() >= 300 ? answer.get("message") : answer.get("Id");
            return r.status() + " " + text;
        }
    }
}
