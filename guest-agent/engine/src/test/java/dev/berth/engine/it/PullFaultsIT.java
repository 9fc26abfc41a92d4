package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.Processes;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.registry.FaultyRegistryProxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Registry faults between the engine and a real registry: each gives a clear error through the docker CLI
 * (or is recovered from, where retrying makes sense), and the store stays consistent afterwards.
 */
class PullFaultsIT {
    /** Layer blobs of the big image (its config blob excluded: it has its own test). */
    static String BLOBS;
    static String CONFIG;
    static RegistryFixture registry;
    static FaultyRegistryProxy proxy;
    static EngineProcess engine;
    static DockerCli docker;
    static String reg;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        registry = RegistryFixture.start();
        var layout = FixtureImages.layout();
        FixtureImages.pushAll(layout, registry.baseUri());
        var manifest = dev.berth.oci.Json.read(layout.readBlob(layout.find("big:latest").orElseThrow().digest()),
                dev.berth.oci.ImageManifest.class);
        CONFIG = "/v2/big/blobs/" + manifest.config().digest();
        BLOBS = "/v2/big/blobs/sha256:(?!" + manifest.config().digest().hex() + ").*";
        proxy = FaultyRegistryProxy.start(registry.baseUri());
        reg = proxy.host();
        engine = EngineProcess.start();
        docker = engine.cli();
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void clean() throws Exception {
        proxy.clearFaults();
        docker.run("rmi", "-f", reg + "/big", reg + "/busybox");
        proxy.clearLog();
    }

    void consistent() throws Exception {
        assertEquals(List.of(), StoreFsck.check(engine.root()));
    }

    Processes.Result pull(String name) throws Exception {
        return docker.run("pull", reg + "/" + name);
    }

    @ParameterizedTest(name = "cut at {0}")
    @ValueSource(doubles = {0.1, 0.5, 0.99})
    void cutConnectionsResumeWithRange(double fraction) throws Exception {
        proxy.on("GET", BLOBS).times(2).cutAfter(fraction);
        Processes.Result r = pull("big");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(proxy.requests("GET", BLOBS).stream().anyMatch(x -> x.range() != null && x.range().startsWith("bytes=")),
                "a cut download resumes with a Range request: " + proxy.log());
        consistent();
    }

    @Test
    void aRegistryIgnoringRangeStillGivesACorrectImage() throws Exception {
        proxy.on("GET", BLOBS).once().cutAfter(0.5);
        proxy.on("GET", BLOBS).always().ignoreRange();
        assertEquals(0, pull("big").exitCode());
        assertTrue(proxy.requests("GET", BLOBS).stream().anyMatch(x -> x.range() != null && x.status() == 200));
        consistent();
    }

    @Test
    void aCutConfigFetchIsRetried() throws Exception {
        proxy.on("GET", CONFIG).once().cutAfter(0.5);
        assertEquals(0, pull("big").exitCode());
        assertEquals(2, proxy.count("GET", CONFIG));
    }

    @Test
    void corruptBlobFailsVerificationAndKeepsNothing() throws Exception {
        proxy.on("GET", "/v2/busybox/blobs/sha256:.*").always().corruptBody();
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("verification failed") || r.stderr().contains("config verification"),
                r.stderr());
        assertFalse(docker.ok("images", "--format", "{{.Repository}}").contains(reg + "/busybox"));
        consistent();
    }

    @Test
    void truncatedBlobsAreRetriedThenReported() throws Exception {
        proxy.on("GET", BLOBS).always().truncate();
        Processes.Result r = pull("big");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("failed after 5 attempts"), r.stderr());
        consistent();
    }

    @Test
    void transientServerErrorIsRetried() throws Exception {
        proxy.on("GET", BLOBS).times(3).respond(500, "text/plain", "oops");
        assertEquals(0, pull("big").exitCode());
        consistent();
    }

    @Test
    void permanentServerErrorIsReported() throws Exception {
        proxy.on("GET", "/v2/busybox/manifests/.*").always().respond(500, "text/plain", "registry on fire");
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("500"), r.stderr());
    }

    @Test
    void unauthorizedIsReportedNotRetriedForever() throws Exception {
        proxy.on("GET", "/v2/busybox/manifests/.*").always().respond(401, "application/json",
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}",
                Map.of("WWW-Authenticate", "Basic realm=\"test\""));
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("authentication required"), r.stderr());
        assertFalse(r.stdout().contains("Username"), "the CLI must not be made to prompt for a login");
        assertTrue(proxy.count("GET", "/v2/busybox/manifests/.*") <= 3, proxy.log().toString());
    }

    @Test
    void missingBlobIsNotFound() throws Exception {
        proxy.on("GET", "/v2/busybox/blobs/sha256:.*").always().respond(404, "application/json",
                "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}");
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("blob unknown") || r.stderr().contains("not found"), r.stderr());
        consistent();
    }

    @Test
    void unknownMediaTypeIsNamed() throws Exception {
        proxy.on("GET", "/v2/busybox/manifests/.*").always().respond(200, "application/vnd.example.thing+json",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.thing+json\"}");
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("application/vnd.example.thing+json"), r.stderr());
    }

    @Test
    void schema1IsRefusedClearly() throws Exception {
        proxy.on("GET", "/v2/busybox/manifests/.*").always().respond(200,
                "application/vnd.docker.distribution.manifest.v1+prettyjws", "{\"schemaVersion\":1}");
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("schema 1") || r.stderr().contains("schema1") || r.stderr().contains("v1+prettyjws"),
                r.stderr());
    }

    @Test
    void manifestDigestMismatchIsRefused() throws Exception {
        proxy.on("GET", "/v2/busybox/manifests/latest").always().respond(200,
                "application/vnd.docker.distribution.manifest.v2+json", "{\"schemaVersion\":2}",
                Map.of("Docker-Content-Digest", "sha256:" + "0".repeat(64)));
        Processes.Result r = pull("busybox");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("verification failed"), r.stderr());
    }

    @Test
    void parallelPullsOfOneImageDownloadEachLayerOnce() throws Exception {
        Thread a = Thread.ofVirtual().start(() -> quietly(() -> pull("big")));
        Thread b = Thread.ofVirtual().start(() -> quietly(() -> pull("big")));
        a.join();
        b.join();
        var layerGets = proxy.requests("GET", BLOBS);
        assertEquals(FixtureImages.BIG_LAYERS, layerGets.size(), "each layer fetched once: " + layerGets);
        assertEquals(FixtureImages.BIG_LAYERS, layerGets.stream().map(x -> x.path()).distinct().count());
        consistent();
    }

    interface Body {
        Object run() throws Exception;
    }

    static void quietly(Body b) {
        try {
            b.run();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
