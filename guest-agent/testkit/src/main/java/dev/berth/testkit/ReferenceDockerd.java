package dev.berth.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real dockerd (Debian's docker.io), started with its own data root, exec root and socket, as the
 * side-by-side reference for tests and benchmarks. Never part of Berth: it proves fixtures are valid and
 * gives the figures Berth is compared with.
 */
public final class ReferenceDockerd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/dockerd");

    private final Process process;
    private final Path dir;

    private ReferenceDockerd(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Why a reference dockerd cannot run here, or empty if it can. */
    public static Optional<String> unavailableReason() {
        if (!Files.isExecutable(BINARY)) {
            return Optional.of(BINARY + " is missing (Debian package docker.io; scripts/setup test installs it)");
        }
        if (!Requirements.isRoot()) {
            return Optional.of("dockerd needs root");
        }
        return Optional.empty();
    }

    public static ReferenceDockerd start() throws IOException, InterruptedException {
        unavailableReason().ifPresent(r -> {
            throw new IllegalStateException(r);
        });
        // Short path: containerd puts unix sockets under the exec root, and those are limited to 108 bytes.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "bref");
        Process p = new ProcessBuilder(BINARY.toString(),
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("x").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(),
                "--host", "unix://" + dir.resolve("docker.sock"),
                "--containerd-namespace", "berth-reference",
                "--containerd-plugins-namespace", "berth-reference-plugins")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dockerd.log").toFile())
                .start();
        ReferenceDockerd d = new ReferenceDockerd(p, dir);
        d.awaitReady(Duration.ofSeconds(60));
        return d;
    }

    /** The value for DOCKER_HOST. */
    public String dockerHost() {
        return "unix://" + dir.resolve("docker.sock");
    }

    public DockerCli cli() {
        return new DockerCli(Map.of("DOCKER_HOST", dockerHost()));
    }

    /** The dockerd process and its containerd children, for memory figures. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("dockerd.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: dockerd stops its containers and its containerd
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        try {
            // overlay mounts under the data root are gone once dockerd exits; anything left is unmounted here
            Processes.run(List.of("umount", "-R", dir.resolve("data").toString()), Duration.ofSeconds(10));
        } catch (IOException ignored) {
            // nothing mounted
        }
        TempDirs.deleteRecursively(dir);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("dockerd exited during start: " + log());
            }
            if (Files.exists(dir.resolve("docker.sock"))
                    && cli().run(List.of("version", "--format", "{{.Server.Version}}")).exitCode() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("dockerd did not answer within " + timeout + ": " + log());
    }
}
