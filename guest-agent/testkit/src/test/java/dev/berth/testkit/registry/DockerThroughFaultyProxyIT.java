package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.layout.OciLayout;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.FixtureImages;
import dev.berth.testkit.Processes;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.RegistryPusher;
import dev.berth.testkit.Requirements;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy is transparent to a real client: dockerd (independent of Berth) pulls through it, including its
 * https-first probe, and reports an injected failure as the registry's error.
 */
class DockerThroughFaultyProxyIT {
    static RegistryFixture registry;
    static ReferenceDockerd dockerd;
    static DockerCli docker;
    FaultyRegistryProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        Requirements.requireReferenceDockerd();
        OciLayout layout = FixtureImages.layout();
        registry = RegistryFixture.start();
        RegistryPusher pusher = new RegistryPusher(layout, registry.baseUri());
        for (String name : List.of(FixtureImages.BUSYBOX, FixtureImages.HELLO)) {
            pusher.push(layout.find(name + ":latest").orElseThrow(), name, "latest");
        }
        dockerd = ReferenceDockerd.start();
        docker = dockerd.cli();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (dockerd != null) {
            dockerd.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = FaultyRegistryProxy.start(registry.baseUri());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void dockerPullsThroughTheProxy() throws Exception {
        docker.ok("pull", proxy.host() + "/busybox");
        assertTrue(proxy.count("GET", "/v2/busybox/blobs/sha256:.*") >= 1, proxy.log().toString());
        assertTrue(proxy.log().stream().allMatch(e -> e.status() < 400), proxy.log().toString());
        assertEquals("42\n", docker.ok("run", "--rm", proxy.host() + "/busybox", "sh", "-c", "echo $((6*7))"));
    }

    @Test
    void dockerPullFailsClearlyWhenEveryBlobAnswers500() throws Exception {
        proxy.on("GET", "/v2/hello-world/blobs/sha256:.*").always().respond(500, "application/json",
                "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected by DockerThroughFaultyProxyIT\"}]}");
        Processes.Result r = docker.run(List.of("pull", proxy.host() + "/hello-world"));
        assertNotEquals(0, r.exitCode(), r.stdout());
        // dockerd retries, then names the status: "error pulling image configuration: download failed after
        // attempts=6: received unexpected HTTP status: 500 Internal Server Error"
        assertTrue(r.stderr().contains("500 Internal Server Error"), r.stderr());
        assertTrue(proxy.count("GET", "/v2/hello-world/blobs/sha256:.*") >= 1);
        assertNotEquals(0, docker.run(List.of("image", "inspect", proxy.host() + "/hello-world")).exitCode(),
                "no image was created");

        proxy.clearFaults();
        docker.ok("pull", proxy.host() + "/hello-world");
    }
}
