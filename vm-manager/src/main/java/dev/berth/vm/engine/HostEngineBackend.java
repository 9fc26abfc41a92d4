package dev.berth.vm.engine;

import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.api.launch.EngineLaunch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Linux: the engine runs on this host as a background process of its own (its own session, so closing
 * the terminal does not stop it), logging to {@code ~/.berth/logs/engine.log}. No VM.
 */
public final class HostEngineBackend implements EngineBackend {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final BerthPaths paths;
    private final EngineClient client;

    public HostEngineBackend(BerthPaths paths) {
        this.paths = paths;
        this.client = new EngineClient(DockerHost.unix(paths.socket()));
    }

    @Override
    public EngineStatus start() throws IOException, InterruptedException {
        EngineStatus current = status();
        if (current.running()) {
            return current;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException("on Linux the engine needs root (namespaces, mounts, cgroups): "
                    + "run `sudo ./berth engine start`");
        }
        Files.createDirectories(paths.engineLog().getParent());
        Files.deleteIfExists(paths.pidFile());
        Process p = new ProcessBuilder(engineCommand())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(paths.engineLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (client.ping()) {
                return status();
            }
            if (!p.isAlive() && !engineAlive()) {
                throw new IOException("the engine exited during start (code " + p.exitValue() + "):\n"
                        + tail(paths.engineLog(), 20));
            }
            Thread.sleep(25);
        }
        throw new IOException("the engine did not answer within " + START_TIMEOUT.toSeconds() + " s; see "
                + paths.engineLog());
    }

    /** The same JVM and class path as this CLI: the engine jar ships next to it in lib/. */
    List<String> engineCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid"); // a session of its own: no SIGHUP when the terminal closes
        }
        cmd.add(java);
        cmd.addAll(EngineLaunch.JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineLaunch.MAIN_CLASS,
                "--root", paths.engineRoot().toString(), "--socket", paths.socket().toString()));
        if (paths.socketOwner() != null) {
            cmd.addAll(List.of("--socket-owner", paths.socketOwner()));
        }
        String prefix = networkPrefix();
        if (prefix != null) {
            cmd.addAll(List.of("--network-prefix", prefix));
        }
        return cmd;
    }

    /**
     * {@code BERTH_NETWORK_PREFIX}: a second engine on one machine (tests, side-by-side installs) names its
     * bridges and rules apart; null for the default.
     */
    static String networkPrefix() {
        String prefix = System.getenv("BERTH_NETWORK_PREFIX");
        return prefix == null || prefix.isBlank() ? null : prefix;
    }

    @Override
    public List<String> uninstall() throws IOException, InterruptedException {
        List<String> done = new ArrayList<>(new HostUninstall(this, client).run());
        done.add("kept images, containers and volumes in " + paths.engineRoot() + " (delete it to remove them)");
        return done;
    }

    @Override
    public void stop() throws IOException, InterruptedException {
        Optional<ProcessHandle> engine = engineProcess();
        if (engine.isEmpty()) {
            return;
        }
        engine.get().destroy();
        try {
            engine.get().onExit().get(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            engine.get().destroyForcibly();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("waiting for the engine to stop", e);
        }
    }

    @Override
    public EngineStatus status() {
        Optional<ProcessHandle> engine = engineProcess();
        if (engine.isEmpty() || !client.ping()) {
            return new EngineStatus(false, engine.map(ProcessHandle::pid).orElse(-1L), dockerHost(), null, null);
        }
        try {
            JsonNode v = client.version();
            return new EngineStatus(true, engine.get().pid(), dockerHost(), v.path("Version").asString(),
                    v.path("ApiVersion").asString());
        } catch (IOException e) {
            return new EngineStatus(false, engine.get().pid(), dockerHost(), null, null);
        }
    }

    @Override
    public String dockerHost() {
        return paths.dockerHost();
    }

    @Override
    public Path logFile() {
        return paths.engineLog();
    }

    private boolean engineAlive() {
        return engineProcess().isPresent();
    }

    /** The process named in the pid file, if it is alive and really is an engine (pids get reused). */
    Optional<ProcessHandle> engineProcess() {
        try {
            long pid = Long.parseLong(Files.readString(paths.pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(HostEngineBackend::isEngine);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isEngine(ProcessHandle h) {
        try {
            String cmdline = Files.readString(Path.of("/proc/" + h.pid() + "/cmdline"));
            return cmdline.contains(EngineLaunch.MAIN_CLASS);
        } catch (IOException e) {
            return h.info().commandLine().map(c -> c.contains(EngineLaunch.MAIN_CLASS)).orElse(false);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }
}
