package dev.berth.testkit;

import dev.berth.api.launch.EngineLaunch;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Berth engine in its own JVM, for integration tests: the engine main class from the test class path,
 * a private data root and socket. Separate process so tests can stop it, kill it (-9) and restart it on
 * the same data, exactly as a user's machine would see.
 */
public final class EngineProcess implements AutoCloseable {
    private final Path dir;
    private final List<String> extraArgs;
    /** Names this engine's bridges, namespaces and firewall table, so engines of parallel tests never meet. */
    private final String networkPrefix = NetworkLeftovers.newPrefix();
    private Process process;

    private EngineProcess(Path dir, List<String> extraArgs) {
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts an engine on a fresh data root under /var/tmp (a real disk: overlay and xattrs need one). */
    public static EngineProcess start(String... extraArgs) throws IOException, InterruptedException {
        return startAt(Files.createTempDirectory(Path.of("/var/tmp"), "berth-it"), extraArgs);
    }

    /** Starts an engine whose data root is {@code dir}/root (e.g. a small tmpfs for disk-full tests). */
    public static EngineProcess startAt(Path dir, String... extraArgs) throws IOException, InterruptedException {
        EngineProcess e = new EngineProcess(dir, List.of(extraArgs));
        e.launch();
        return e;
    }

    public void launch() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(EngineLaunch.JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineLaunch.MAIN_CLASS,
                "--root", root().toString(), "--socket", socket().toString(), "--pull-retry-delay-ms", "100",
                "--network-prefix", networkPrefix));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("engine exited during start:\n" + logText());
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IOException("engine did not answer within 60 s:\n" + logText());
    }

    public Path root() {
        return dir.resolve("root");
    }

    public Path socket() {
        return dir.resolve("run/docker.sock");
    }

    public Path log() {
        return dir.resolve("engine.log");
    }

    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log()) : "";
    }

    public String dockerHost() {
        return "unix://" + socket();
    }

    public DockerCli cli() {
        return new DockerCli(Map.of("DOCKER_HOST", dockerHost(), "DOCKER_CONFIG", dir.resolve("docker-config").toString()));
    }

    /** The prefix of this engine's bridges ({@code <prefix>0} is its default bridge), namespaces and rules. */
    public String networkPrefix() {
        return networkPrefix;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** SIGKILL: no shutdown hooks, no cleanup, as a crash or an OOM kill. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and wait: a clean stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        launch();
    }

    private boolean answersPing() {
        if (!Files.exists(socket())) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            ch.write(java.nio.ByteBuffer.wrap("GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(512);
            ch.read(buf);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes every container (containers outlive the engine by design, so a test that ends without
     * removing its own would leave processes and mounts behind; an engine found dead is started again for
     * that), stops the engine, deletes its files.
     */
    @Override
    public void close() throws InterruptedException {
        if (process != null && !process.isAlive()) {
            relaunchForCleanup(); // a test that failed between kill9() and launch() still has running containers
        }
        if (process != null && process.isAlive()) {
            removeAllContainers();
            stop();
        }
        try {
            NetworkLeftovers.remove(networkPrefix);
        } catch (IOException e) {
            System.err.println("engine cleanup: network leftovers of " + networkPrefix + ": " + e);
        }
        TempDirs.deleteRecursively(dir);
    }

    private void relaunchForCleanup() throws InterruptedException {
        try {
            launch();
        } catch (IOException e) {
            System.err.println("engine cleanup: could not start the engine to remove containers: " + e);
        }
    }

    private void removeAllContainers() throws InterruptedException {
        try {
            List<String> ids = cli().ok("ps", "-aq").lines().filter(l -> !l.isBlank()).toList();
            if (!ids.isEmpty()) {
                List<String> args = new ArrayList<>(List.of("rm", "-f"));
                args.addAll(ids);
                cli().run(args);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("engine cleanup: could not remove containers: " + e);
        }
    }
}
