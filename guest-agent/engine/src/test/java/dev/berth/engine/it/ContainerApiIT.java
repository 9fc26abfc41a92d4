package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.api.client.EngineResponse;
import dev.berth.testkit.SharedFixture;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The container endpoints on the wire, where clients depend on exact bytes (CHECKLIST 4.1–4.6): attach
 * before start with 8-byte frames, the version-gated stream type, wait heads sent at once, exec started
 * without Upgrade (docker-java), Docker's status codes for the lifecycle's edge cases, bad request bodies.
 */
class ContainerApiIT {
    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    static ContainerEngine env;
    static EngineClient client;

    @BeforeEach
    void fixture() {
        env = ENV.get();
        client = new EngineClient(DockerHost.unix(env.engine.socket()));
    }

    static String create(String json) throws Exception {
        return client.postJson("/containers/create", Json.parse(json)).get("Id").asString();
    }

    static int status(String method, String path, String json) throws Exception {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        try (EngineResponse r = client.send(method, EngineClient.versioned(path), "application/json", body)) {
            r.bytes();
            return r.status();
        }
    }

    @Test
    void attachBeforeStartGetsEveryByteInFrames() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"echo hi; echo err >&2\"],"
                + "\"AttachStdout\":true,\"AttachStderr\":true}");
        try (RawConnection attach = new RawConnection(env.engine.socket())) {
            attach.post("/v1.44/containers/" + id + "/attach?stream=1&stdout=1&stderr=1", null,
                    "Connection: Upgrade\r\nUpgrade: tcp\r\n");
            String head = attach.head(5000);
            assertTrue(head.startsWith("HTTP/1.1 101 UPGRADED\r\n"), head);
            assertTrue(head.contains("Content-Type: application/vnd.docker.multiplexed-stream"), head);
            attach.halfClose(); // the CLI does this when there is no stdin: output must keep coming
            assertEquals(204, status("POST", "/containers/" + id + "/start", null));
            byte[] out = attach.rest(10_000);
            assertTrue(attach.closedByServer(), "the server closes the stream after the exit");
            byte[] hi = {1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n'};
            byte[] err = {2, 0, 0, 0, 0, 0, 0, 4, 'e', 'r', 'r', '\n'};
            assertTrue(contains(out, hi) && contains(out, err), new String(out, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void olderClientsGetTheRawStreamType() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"true\"]}");
        try (RawConnection attach = new RawConnection(env.engine.socket())) {
            attach.post("/v1.41/containers/" + id + "/attach?stream=1&stdout=1", null,
                    "Connection: Upgrade\r\nUpgrade: tcp\r\n");
            assertTrue(attach.head(5000).contains("Content-Type: application/vnd.docker.raw-stream"));
        }
    }

    @Test
    void waitSendsItsHeadAtOnceAndTheBodyAtTheExit() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"sleep 1; exit 4\"]}");
        try (RawConnection wait = new RawConnection(env.engine.socket())) {
            wait.post("/v1.44/containers/" + id + "/wait?condition=next-exit", null, "");
            String head = wait.head(2000);
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            assertEquals(204, status("POST", "/containers/" + id + "/start", null));
            assertEquals(0, wait.take().length, "nothing before the exit");
            String body = new String(wait.rest(10_000), StandardCharsets.UTF_8);
            assertEquals("1e\r\n{\"Error\":null,\"StatusCode\":4}\n\r\n0\r\n\r\n", body, "one chunk, as dockerd");
        }
    }

    @Test
    void aCancelledWaitDoesNotDisturbTheEngine() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"30\"]}");
        for (int i = 0; i < 20; i++) {
            try (RawConnection wait = new RawConnection(env.engine.socket())) {
                wait.post("/v1.44/containers/" + id + "/wait?condition=next-exit", null, "");
                wait.head(2000);
            } // closed: docker run -d does this with every container
        }
        assertEquals(200, status("GET", "/containers/" + id + "/json", null));
        assertEquals(204, status("DELETE", "/containers/" + id + "?force=1", null));
    }

    @Test
    void execWithoutUpgradeStreamsUntilCloseWithTheFinalExitCode() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"30\"]}");
        assertEquals(204, status("POST", "/containers/" + id + "/start", null));
        String exec = client.postJson("/containers/" + id + "/exec", Json.parse("{\"AttachStdout\":true,"
                + "\"AttachStderr\":true,\"Cmd\":[\"sh\",\"-c\",\"echo tc; exit 4\"],\"Tty\":null,\"User\":null}"))
                .get("Id").asString();
        try (RawConnection start = new RawConnection(env.engine.socket())) {
            start.post("/v1.32/exec/" + exec + "/start", "{\"Detach\":null,\"Tty\":null}", "");
            String head = start.head(5000);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("application/vnd.docker.raw-stream") && !head.contains("Content-Length")
                    && !head.contains("chunked"), head);
            byte[] out = start.rest(10_000);
            assertTrue(start.closedByServer(), "the body ends with the connection");
            assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 3, 't', 'c', '\n'}, out);
        }
        JsonNode inspect = client.getJson("/exec/" + exec + "/json");
        assertEquals(4, inspect.get("ExitCode").asInt(), "final by the time the stream closed: " + inspect);
        assertEquals(false, inspect.get("Running").asBoolean());
        assertEquals(204, status("DELETE", "/containers/" + id + "?force=1", null));
    }

    @Test
    void lifecycleEdgesUseDockersStatusCodes() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"30\"],\"Tty\":true}");
        assertEquals(409, status("POST", "/containers/" + id + "/kill", null), "kill of a created container");
        assertEquals(204, status("POST", "/containers/" + id + "/start", null));
        assertEquals(304, status("POST", "/containers/" + id + "/start", null), "already started");
        assertEquals(204, status("POST", "/containers/" + id + "/kill?signal=WINCH", null), "the CLI's signal proxy");
        assertEquals(200, status("POST", "/containers/" + id + "/resize?h=40&w=120", null));
        assertEquals(400, status("POST", "/containers/" + id + "/resize?h=x&w=120", null));
        assertEquals(409, status("DELETE", "/containers/" + id, null), "running, no force");
        assertEquals(204, status("POST", "/containers/" + id + "/stop?t=1", null));
        assertEquals(304, status("POST", "/containers/" + id + "/stop", null), "already stopped");
        assertEquals(400, status("POST", "/containers/" + id + "/wait?condition=sometime", null));
        assertEquals(204, status("DELETE", "/containers/" + id, null));
        assertEquals(404, status("GET", "/containers/" + id + "/json", null));
    }

    @Test
    void badCreateRequestsAreRefusedAndCreateNothing() throws Exception {
        assertEquals(400, status("POST", "/containers/create", "{\"Image\":"), "truncated JSON");
        assertEquals(400, status("POST", "/containers/create", "[1,2]"), "not an object");
        assertEquals(400, status("POST", "/containers/create", ""), "no body");
        assertEquals(400, status("POST", "/containers/create", "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":\"x\"}}"));
        assertEquals(400, status("POST", "/containers/create", "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":1024}}"),
                "below Docker's 6 MB minimum");
        assertEquals(400, status("POST", "/containers/create?name=bad%2Fname", "{\"Image\":\"busybox\"}"));
        assertEquals(404, status("POST", "/containers/create", "{\"Image\":\"nosuch\"}"), "the CLI pulls on 404");
        assertEquals("[]\n", new String(client.send("GET", EngineClient.versioned("/containers/json?all=1"), null,
                null).bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void logsAreFramedWithNanosecondTimestamps() throws Exception {
        String id = create("{\"Image\":\"busybox\",\"Cmd\":[\"echo\",\"logged\"]}");
        assertEquals(204, status("POST", "/containers/" + id + "/start", null));
        client.postJson("/containers/" + id + "/wait", null);
        try (EngineResponse r = client.send("GET", EngineClient.versioned("/containers/" + id
                + "/logs?stdout=1&timestamps=1"), null, null)) {
            assertEquals("application/vnd.docker.multiplexed-stream", r.head().headers().first("Content-Type").orElse(""));
            byte[] b = r.bytes();
            assertEquals(1, b[0]);
            String payload = new String(b, 8, b.length - 8, StandardCharsets.UTF_8);
            assertTrue(payload.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z logged\\n"), payload);
        }
        try (EngineResponse r = client.send("GET", "/v1.41/containers/" + id + "/logs?stdout=1", null, null)) {
            assertTrue(r.head().headers().first("Content-Type").isEmpty(), "dockerd 20.10 sends no type on logs");
            r.bytes();
        }
        assertEquals(400, status("GET", "/containers/" + id + "/logs", null), "no stream chosen");
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** JSON text to a tree, for request bodies written as text. */
    static final class Json {
        static JsonNode parse(String s) {
            return dev.berth.oci.Json.mapper().readTree(s);
        }
    }
}
