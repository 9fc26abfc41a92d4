package dev.berth.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (distribution 2.8) on 127.0.0.1 at a free
 * port, storing into its own temporary directory, stopped (and its storage deleted) on close.
 */
public final class RegistryFixture implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final Path dir;
    private final int port;

    private RegistryFixture(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Why a registry cannot be started here, or empty if it can. */
    public static Optional<String> unavailableReason() {
        return Files.isExecutable(BINARY) ? Optional.empty()
                : Optional.of(BINARY + " is missing (Debian package docker-registry; scripts/setup test installs it)");
    }

    /** Starts a registry with no authentication. */
    public static RegistryFixture start() throws IOException, InterruptedException {
        return start("");
    }

    /** Starts a registry; {@code authYaml} is an optional {@code auth:} section of its config. */
    public static RegistryFixture start(String authYaml) throws IOException, InterruptedException {
        unavailableReason().ifPresent(r -> {
            throw new IllegalStateException(r);
        });
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = Files.createTempDirectory("berth-registry-");
            int port = Ports.freeLoopbackPort();
            Files.writeString(dir.resolve("config.yml"), config(dir.resolve("storage"), port, authYaml));
            Process p = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            RegistryFixture r = new RegistryFixture(p, dir, port);
            try {
                r.awaitReady(Duration.ofSeconds(20));
                return r;
            } catch (IOException e) {
                last = e;
                r.close();
            }
        }
        throw last;
    }

    /** Starts a registry and pushes every fixture image to it (as {@code <name>:latest}). */
    public static RegistryFixture startWithFixtures() throws IOException, InterruptedException {
        RegistryFixture r = start();
        try {
            FixtureImages.pushAll(FixtureImages.layout(), r.baseUri());
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:port}: the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://" + host());
    }

    public Path storage() {
        return dir.resolve("storage");
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteRecursively(dir);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(baseUri().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on " + host() + " within " + timeout + ": " + log());
    }

    private static String config(Path storage, int port, String authYaml) {
        return """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: %s
                %s
                """.formatted(storage, port, UUID.randomUUID(), authYaml);
    }
}
