package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.ImageManifest;
import dev.berth.oci.Json;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.layout.OciLayout;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.RegistryPusher;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.registry.FaultyRegistryProxy.Exchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each fault of the proxy, observed on the wire, in front of the real fixture registry. */
class FaultyRegistryProxyIT {
    static RegistryFixture registry;
    static OciLayout layout;
    static Descriptor manifest;
    static Digest layer;
    static byte[] layerBytes;
    static String layerPath;

    final HttpClient http = HttpClient.newHttpClient();
    FaultyRegistryProxy proxy;

    @BeforeAll
    static void startRegistry() throws Exception {
        Requirements.requireRegistry();
        layout = FixtureImages.layout();
        registry = RegistryFixture.start();
        RegistryPusher pusher = new RegistryPusher(layout, registry.baseUri());
        for (String name : List.of(FixtureImages.BUSYBOX, FixtureImages.HELLO)) {
            pusher.push(layout.find(name + ":latest").orElseThrow(), name, "latest");
        }
        manifest = layout.find("busybox:latest").orElseThrow();
        layer = Json.read(layout.readBlob(manifest.digest()), ImageManifest.class).layers().getFirst().digest();
        layerBytes = layout.readBlob(layer);
        layerPath = "/v2/busybox/blobs/" + layer;
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultyRegistryProxy.start(registry.baseUri());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void withoutFaultsEveryByteIsPassedThroughAndLogged() throws Exception {
        HttpResponse<byte[]> blob = http.send(HttpRequest.newBuilder(proxy.baseUri().resolve(layerPath)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, blob.statusCode());
        assertArrayEquals(layerBytes, blob.body());
        HttpResponse<byte[]> m = http.send(HttpRequest.newBuilder(
                        proxy.baseUri().resolve("/v2/busybox/manifests/latest"))
                .header("Accept", manifest.mediaType()).header("Authorization", "Bearer not-checked").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(manifest.digest().toString(), m.headers().firstValue("Docker-Content-Digest").orElse(""));
        assertEquals(List.of(
                new Exchange("GET", layerPath, null, null, false, 200, layerBytes.length, null),
                new Exchange("GET", "/v2/busybox/manifests/latest", null, null, true, 200, manifest.size(), null)),
                proxy.log());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.99})
    void cutAfterSendsTheTrueLengthThenExactlyThatFractionThenCloses(double fraction) throws Exception {
        Fault cut = proxy.on("GET", "/v2/busybox/blobs/sha256:.*").once().cutAfter(fraction);
        RawHttp.Response r = RawHttp.get(proxy.baseUri(), layerPath, Map.of());
        long expected = (long) Math.floor(layerBytes.length * fraction);
        assertEquals(200, r.status());
        assertEquals(layerBytes.length, r.contentLength(), "the head promises the whole blob");
        assertEquals(expected, r.body().length);
        assertArrayEquals(Arrays.copyOf(layerBytes, (int) expected), r.body(), "what did arrive is genuine");
        assertEquals(expected, proxy.log().getLast().bytesSent());
        assertEquals("CutAfter", proxy.log().getLast().fault());
        assertEquals(1, cut.hits());

        // one-shot: the retry gets everything, even through java.net.http which checks the length
        HttpResponse<byte[]> retry = http.send(HttpRequest.newBuilder(proxy.baseUri().resolve(layerPath)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(layerBytes, retry.body());
    }

    @Test
    void aCutIsAnErrorForAClientThatChecksTheLength() {
        proxy.on("GET", layerPath).always().cutAfter(0.5);
        IOException e = assertThrows(IOException.class, () -> http.send(
                HttpRequest.newBuilder(proxy.baseUri().resolve(layerPath)).build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        assertTrue(String.valueOf(e.getMessage()).contains("bytes received: " + layerBytes.length / 2),
                e.toString());
    }

    @Test
    void ignoreRangeAnswersTheWholeBodyWith200() throws Exception {
        Map<String, String> range = Map.of("Range", "bytes=100-199");
        RawHttp.Response honoured = RawHttp.get(proxy.baseUri(), layerPath, range);
        assertEquals(206, honoured.status(), "the registry itself honours ranges");
        assertArrayEquals(Arrays.copyOfRange(layerBytes, 100, 200), honoured.body());

        Fault ignore = proxy.on("GET", layerPath).once().ignoreRange();
        RawHttp.get(proxy.baseUri(), layerPath, Map.of());
        assertEquals(0, ignore.hits(), "a request without Range does not use the fault up");
        RawHttp.Response ignored = RawHttp.get(proxy.baseUri(), layerPath, range);
        assertEquals(200, ignored.status());
        assertTrue(ignored.header("Content-Range").isEmpty());
        assertArrayEquals(layerBytes, ignored.body());
        assertEquals("bytes=100-199", proxy.log().getLast().range());
        assertEquals(206, RawHttp.get(proxy.baseUri(), layerPath, range).status(), "one-shot");
    }

    @Test
    void corruptBodyFlipsOneByteSoTheDigestNoLongerMatches() throws Exception {
        proxy.on("GET", layerPath).always().corruptBody();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(proxy.baseUri().resolve(layerPath)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(layerBytes.length, r.body().length);
        assertNotEquals(layer, Digest.sha256(r.body()));
        int differing = 0;
        for (int i = 0; i < layerBytes.length; i++) {
            differing += layerBytes[i] != r.body()[i] ? 1 : 0;
        }
        assertEquals(1, differing);
        assertEquals((byte) ~layerBytes[layerBytes.length / 2], r.body()[layerBytes.length / 2]);
        assertEquals(layer.toString(), r.headers().firstValue("Docker-Content-Digest").orElse(""),
                "the headers still claim the true digest");
    }

    @Test
    void truncateSendsAShorterBodyWithAMatchingLength() throws Exception {
        proxy.on("GET", layerPath).once().truncate();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(proxy.baseUri().resolve(layerPath)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(layerBytes.length / 2, r.headers().firstValueAsLong("Content-Length").orElse(-1));
        assertArrayEquals(Arrays.copyOf(layerBytes, layerBytes.length / 2), r.body());
        HttpResponse<byte[]> next = http.send(HttpRequest.newBuilder(proxy.baseUri().resolve(layerPath)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(layerBytes, next.body(), "the kept-alive connection is still in step");
    }

    @Test
    void respondServesCannedAnswersWithExactlyTheGivenHeaders() throws Exception {
        proxy.on("GET", "/v2/").times(2).respond(401, "application/json", "{\"errors\":[]}",
                Map.of("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:1/token\",service=\"x\""));
        String schema1 = "{\"schemaVersion\":1,\"name\":\"busybox\",\"tag\":\"latest\",\"fsLayers\":[]}";
        proxy.on("GET", "/v2/busybox/manifests/latest").once().respond(200, MediaTypes.DOCKER_SCHEMA1_SIGNED,
                schema1, Map.of("Docker-Content-Digest", "sha256:" + "0".repeat(64)));
        proxy.on("GET", "/v2/busybox/manifests/latest").once().respond(200, "application/x-unknown", "{}");

        for (int i = 0; i < 2; i++) {
            RawHttp.Response ping = RawHttp.get(proxy.baseUri(), "/v2/", Map.of());
            assertEquals(401, ping.status());
            assertEquals("Bearer realm=\"http://127.0.0.1:1/token\",service=\"x\"",
                    ping.header("WWW-Authenticate").orElseThrow());
        }
        assertEquals(200, RawHttp.get(proxy.baseUri(), "/v2/", Map.of()).status(), "the third ping passes");

        RawHttp.Response first = RawHttp.get(proxy.baseUri(), "/v2/busybox/manifests/latest", Map.of());
        assertEquals(schema1, new String(first.body(), StandardCharsets.UTF_8));
        assertEquals("sha256:" + "0".repeat(64), first.header("Docker-Content-Digest").orElseThrow());
        RawHttp.Response second = RawHttp.get(proxy.baseUri(), "/v2/busybox/manifests/latest", Map.of());
        assertEquals("application/x-unknown", second.header("Content-Type").orElseThrow());
        assertTrue(second.header("Docker-Content-Digest").isEmpty());
        RawHttp.Response third = RawHttp.get(proxy.baseUri(), "/v2/busybox/manifests/latest",
                Map.of("Accept", manifest.mediaType()));
        assertEquals(manifest.digest().toString(), third.header("Docker-Content-Digest").orElseThrow());
    }

    @Test
    void aCannedAnswerToHeadHasALengthButNoBody() throws Exception {
        proxy.on("HEAD", layerPath).always().respond(404, "application/json", "{\"errors\":[]}");
        RawHttp.Response r = RawHttp.send(proxy.baseUri(), "HEAD", layerPath, Map.of(), null);
        assertEquals(404, r.status());
        assertEquals(13, r.contentLength());
        assertEquals(0, proxy.log().getLast().bytesSent());
    }

    @Test
    void delayHoldsTheAnswerBack() throws Exception {
        proxy.on("GET", "/v2/").once().delay(Duration.ofMillis(800));
        long start = System.nanoTime();
        assertEquals(200, RawHttp.get(proxy.baseUri(), "/v2/", Map.of()).status());
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(800).toNanos());
        start = System.nanoTime();
        RawHttp.get(proxy.baseUri(), "/v2/", Map.of());
        assertTrue(System.nanoTime() - start < Duration.ofMillis(800).toNanos(), "one-shot");
    }

    @Test
    void uploadsGoThroughTheProxyWithChunkedAndSizedBodies() throws Exception {
        HttpClient noRedirects = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> start = noRedirects.send(HttpRequest.newBuilder(
                        proxy.baseUri().resolve("/v2/uploaded/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, start.statusCode(), start.body());
        URI upload = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertEquals(proxy.baseUri().getRawAuthority(), upload.getRawAuthority(), "location points at the proxy");

        byte[] data = "a blob pushed in chunks through the faulty proxy\n".repeat(5000)
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Response patch = RawHttp.send(proxy.baseUri(), "PATCH", upload.getRawPath() + "?"
                + upload.getRawQuery(), Map.of("Transfer-Encoding", "chunked",
                "Content-Type", "application/octet-stream"), RawHttp.chunked(data, 7000));
        assertEquals(202, patch.status(), new String(patch.body(), StandardCharsets.UTF_8));
        URI next = URI.create(patch.header("Location").orElseThrow());
        HttpResponse<String> put = noRedirects.send(HttpRequest.newBuilder(URI.create(next + "&digest="
                + Digest.sha256(data))).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());

        HttpResponse<byte[]> direct = http.send(HttpRequest.newBuilder(registry.baseUri().resolve(
                "/v2/uploaded/blobs/" + Digest.sha256(data))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(data, direct.body(), "the registry stored exactly what was sent");

        // and a whole image, pushed the way the fixtures are, with Content-Length bodies
        new RegistryPusher(layout, proxy.baseUri()).push(layout.find("hello-world:latest").orElseThrow(),
                "pushed-through-proxy", "latest");
        HttpResponse<Void> pushed = http.send(HttpRequest.newBuilder(registry.baseUri().resolve(
                        "/v2/pushed-through-proxy/manifests/latest"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", MediaTypes.OCI_INDEX).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, pushed.statusCode());
    }

    @Test
    void countsAndClearing() throws Exception {
        proxy.on("*", "/v2/busybox/.*").always().respond(500, "text/plain", "injected");
        for (int i = 0; i < 3; i++) {
            assertEquals(500, RawHttp.get(proxy.baseUri(), "/v2/busybox/manifests/latest", Map.of()).status());
        }
        RawHttp.get(proxy.baseUri(), "/v2/", Map.of());
        assertEquals(3, proxy.count("GET", "/v2/busybox/manifests/.*"));
        assertEquals(0, proxy.count("HEAD", "/v2/busybox/manifests/.*"));
        assertEquals(4, proxy.count("*", ".*"));
        assertEquals(List.of(500, 500, 500), proxy.requests("GET", "/v2/busybox/.*").stream()
                .map(Exchange::status).toList());

        proxy.clearFaults();
        proxy.clearLog();
        assertEquals(200, RawHttp.get(proxy.baseUri(), "/v2/busybox/manifests/latest",
                Map.of("Accept", manifest.mediaType())).status());
        assertEquals(1, proxy.log().size());
        assertEquals(null, proxy.log().getFirst().fault());
    }

    @Test
    void aTlsProbeGetsAPlainHttpRefusalAndIsNotLogged() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", proxy.port())) {
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5});
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        assertTrue(proxy.log().isEmpty());
    }
}
