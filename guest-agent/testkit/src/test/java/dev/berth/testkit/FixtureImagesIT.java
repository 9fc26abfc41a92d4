package dev.berth.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.oci.Descriptor;
import dev.berth.oci.layout.OciLayout;
import dev.berth.oci.maker.HelloWorld;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture registry serves every fixture image, and a real dockerd (independent of Berth) pulls and runs
 * them: proof that the image maker writes valid images.
 */
class FixtureImagesIT {
    static RegistryFixture registry;
    static ReferenceDockerd dockerd;
    static OciLayout layout;

    @BeforeAll
    static void start() throws Exception {
        Requirements.requireRegistry();
        layout = FixtureImages.layout();
        registry = RegistryFixture.start();
        FixtureImages.pushAll(layout, registry.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (dockerd != null) {
            dockerd.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void twoRunsOfTheMakerGiveIdenticalManifests(@TempDir Path a, @TempDir Path b) throws Exception {
        FixtureImages.BusyboxSource source = FixtureImages.BusyboxSource.find();
        FixtureImages.build(OciLayout.create(a), source);
        FixtureImages.build(OciLayout.create(b), source);
        for (String name : FixtureImages.ALL) {
            Descriptor da = OciLayout.open(a).find(name + ":latest").orElseThrow();
            Descriptor db = OciLayout.open(b).find(name + ":latest").orElseThrow();
            assertEquals(da.digest(), db.digest(), name);
            assertEquals(da.digest(), layout.find(name + ":latest").orElseThrow().digest(),
                    name + ": cached layout differs from a fresh build");
        }
    }

    @Test
    void registryServesEveryFixtureByTag() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String name : FixtureImages.ALL) {
            Descriptor d = layout.find(name + ":latest").orElseThrow();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
                            registry.baseUri().resolve("/v2/" + name + "/manifests/latest"))
                    .header("Accept", d.mediaType()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), name);
            assertEquals(d.digest().toString(), r.headers().firstValue("Docker-Content-Digest").orElse(""), name);
        }
    }

    @Test
    void realDockerdPullsEveryFixtureAndRunsThem() throws Exception {
        Requirements.requireDockerCli();
        Requirements.requireReferenceDockerd();
        dockerd = ReferenceDockerd.start();
        DockerCli docker = dockerd.cli();
        String reg = registry.host();
        for (String name : FixtureImages.ALL) {
            docker.ok("pull", reg + "/" + name);
        }
        String hello = docker.ok("run", "--rm", reg + "/hello-world");
        assertEquals(HelloWorld.GREETING, hello);

        assertEquals("keep\n", docker.ok("run", "--rm", reg + "/whiteout", "ls", "/data"));
        assertEquals("c\n", docker.ok("run", "--rm", reg + "/whiteout", "ls", "/opaque"));
        assertEquals("42\n", docker.ok("run", "--rm", reg + "/busybox", "sh", "-c", "echo $((6*7))"));

        docker.ok("pull", "--platform", "linux/arm64", reg + "/multiarch");
        assertEquals("arm64\n", docker.ok("image", "inspect", "--format", "{{.Architecture}}", reg + "/multiarch"));

        assertEquals("5\n", docker.ok("image", "inspect", "--format", "{{len .RootFS.Layers}}", reg + "/big"));
    }

    @Test
    void webFixtureServesItsPageOnPort80() throws Exception {
        Requirements.requireDockerCli();
        Requirements.requireReferenceDockerd();
        if (dockerd == null) {
            dockerd = ReferenceDockerd.start();
        }
        DockerCli docker = dockerd.cli();
        int port = Ports.freeLoopbackPort();
        String id = docker.ok("run", "-d", "-p", "127.0.0.1:" + port + ":80", registry.host() + "/web").trim();
        try {
            assertEquals("80/tcp\n", docker.ok("image", "inspect", "--format",
                    "{{range $p, $v := .Config.ExposedPorts}}{{$p}}{{end}}", registry.host() + "/web"));
            String body = fetch(URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(20));
            assertEquals(FixtureImages.WEB_PAGE, body);
        } finally {
            docker.run(List.of("rm", "-f", id));
        }
    }

    private static String fetch(URI uri, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer from " + uri, last);
    }
}
