package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.client;
import static dev.berth.engine.image.registry.RegistryTestSupport.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.ForbiddenException;
import dev.berth.engine.errors.UnauthorizedException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.engine.image.Reference;
import dev.berth.engine.image.registry.FakeServer.Reply;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures become typed errors whose messages name the registry and a cause, never a stack trace. */
class RegistryErrorsTest {
    static final String PATH = "/v2/app/manifests/latest";
    FakeServer registry;
    RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = FakeServer.start();
        client = client();
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    private <T extends EngineException> T fetchFails(Class<T> type) {
        T e = assertThrows(type, () -> client.session(ref(registry, "app"), null, false).fetchManifest("latest"));
        assertUserFacing(e);
        return e;
    }

    static void assertUserFacing(Exception e) {
        String m = e.getMessage();
        assertFalse(m.contains("Exception") || m.contains("java.") || m.contains("\n") || m.contains("\tat "), m);
    }

    @Test
    void serverErrorsAreUnavailableWithTheRegistrysMessage() {
        registry.on("GET", PATH, req -> Reply.json(500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\"}]}"));
        assertEquals("registry " + registry.hostPort() + " unavailable: HTTP 500: unknown: boom",
                fetchFails(UnavailableException.class).getMessage());
        registry.on("GET", PATH, req -> Reply.of(503));
        assertEquals("registry " + registry.hostPort() + " unavailable: HTTP 503",
                fetchFails(UnavailableException.class).getMessage());
    }

    @Test
    void forbiddenIsDenied() {
        registry.on("GET", PATH, req -> Reply.json(403,
                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"));
        assertEquals("denied: requested access to the resource is denied",
                fetchFails(ForbiddenException.class).getMessage());
        registry.on("GET", PATH, req -> Reply.of(403));
        assertEquals("denied: requested access to the resource is denied",
                fetchFails(ForbiddenException.class).getMessage());
    }

    @Test
    void unauthorizedWithoutAChallengeIsUnauthorized() {
        registry.on("GET", PATH, req -> Reply.of(401));
        assertEquals("unauthorized: authentication required", fetchFails(UnauthorizedException.class).getMessage());
    }

    @Test
    void rateLimitsAreUnavailable() {
        registry.on("GET", PATH, req -> Reply.json(429,
                "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit.\"}]}"));
        assertTrue(fetchFails(UnavailableException.class).getMessage()
                .endsWith("toomanyrequests: You have reached your pull rate limit."));
    }

    @Test
    void errorMessagesFromRegistriesAreSanitized() {
        registry.on("GET", PATH, req -> Reply.json(500,
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"line1\\nline2\\u001b[31m" + "x".repeat(1000) + "\"}]}"));
        String m = fetchFails(UnavailableException.class).getMessage();
        assertTrue(m.length() < 400, m);
    }

    /** A client that gives up on a silent body after one second instead of sixty. */
    private static RegistryClient impatientClient() {
        return new RegistryClient(RegistryTestSupport.config(), CredentialSource.none(), InstantSource.system(),
                Duration.ofSeconds(1));
    }

    @Test
    void aManifestBodyThatStallsIsUnavailable() {
        registry.onRaw("GET", PATH, (req, ex) -> {
            ex.sendResponseHeaders(200, 1000);
            OutputStream out = ex.getResponseBody();
            out.write("{\"schemaVersion\"".getBytes(StandardCharsets.UTF_8));
            out.flush(); // and nothing more: the connection stays open
            sleepQuietly(5_000);
        });
        try (RegistryClient c = impatientClient()) {
            long t0 = System.nanoTime();
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> c.session(ref(registry, "app"), null, false).fetchManifest("latest"));
            assertUserFacing(e);
            assertTrue(e.getMessage().endsWith("unavailable: no data received for 1 s"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 4_000_000_000L);
        }
    }

    @Test
    void aBlobThatStallsFailsTheReadInsteadOfHanging() throws Exception {
        String blob = "/v2/app/blobs/" + RegistryTestSupport.digestOf("x");
        registry.onRaw("GET", blob, (req, ex) -> {
            ex.sendResponseHeaders(200, 1 << 20);
            OutputStream out = ex.getResponseBody();
            out.write(new byte[1000]);
            out.flush();
            sleepQuietly(5_000);
        });
        try (RegistryClient c = impatientClient();
             RepositorySession.BlobResponse b = c.session(ref(registry, "app"), null, false)
                     .openBlob(RegistryTestSupport.digestOf("x"), 0)) {
            byte[] first = b.body().readNBytes(1000);
            assertEquals(1000, first.length);
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> b.body().read());
            assertEquals("no data received for 1 s", e.getMessage());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void connectionRefusedIsUnavailableNamingTheRegistry() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Reference dead = Reference.parse("127.0.0.1:" + port + "/app");
        UnavailableException e = assertThrows(UnavailableException.class,
                () -> client.session(dead, null, false).fetchManifest("latest"));
        assertUserFacing(e);
        assertTrue(e.getMessage().startsWith("registry 127.0.0.1:" + port + " unavailable: "), e.getMessage());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void aRegistryThatNeverAcceptsTimesOut() throws Exception {
        // A listening socket whose accept queue is full drops new SYNs, so connecting hangs until the timeout.
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filler = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(s.getLocalSocketAddress(), 200);
                        filler.add(f);
                    } catch (java.net.SocketTimeoutException full) {
                        f.close();
                        break;
                    }
                }
                RegistryConfig fast = new RegistryConfig(List.of(), Duration.ofMillis(300), "t", Path.of("/x"));
                try (RegistryClient c = new RegistryClient(fast, CredentialSource.none())) {
                    Reference r = Reference.parse("127.0.0.1:" + s.getLocalPort() + "/app");
                    UnavailableException e = assertThrows(UnavailableException.class,
                            () -> c.session(r, null, false).fetchManifest("latest"));
                    assertUserFacing(e);
                    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
                }
            } finally {
                for (Socket f : filler) {
                    f.close();
                }
            }
        }
    }

    @Test
    void aServerThatDoesNotSpeakHttpIsUnavailable() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept()) {
                        c.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            Reference r = Reference.parse("127.0.0.1:" + s.getLocalPort() + "/app");
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> client.session(r, null, false).fetchManifest("latest"));
            assertUserFacing(e);
        }
    }
}
