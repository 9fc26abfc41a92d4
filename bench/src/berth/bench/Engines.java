package berth.bench;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The engines under comparison: Berth (always) and a reference dockerd (when installed). */
final class Engines implements AutoCloseable {
    static final String BERTH = "berth";
    static final String DOCKERD = "dockerd";

    /** A running engine, its docker CLI, and the processes whose memory counts as the engine's. */
    record Target(String name, String dockerHost, DockerCli cli, ProcessHandle process) {
        long rssBytes() {
            long total = rss(process.pid());
            for (ProcessHandle child : process.descendants().toList()) {
                if (countsAsEngine(child)) {
                    total += rss(child.pid());
                }
            }
            return total;
        }

        /** containerd and its shims are part of dockerd's footprint; container processes are not. */
        private static boolean countsAsEngine(ProcessHandle h) {
            String cmd = h.info().command().orElse("");
            return (cmd.contains("containerd") && !cmd.contains("shim")) || cmd.contains("docker-proxy");
        }
    }

    private final Path root;
    private final Path berthHome;
    private final ReferenceDockerd dockerd;
    private final Map<String, Target> targets = new LinkedHashMap<>();

    private Engines(Path root, Path berthHome, ReferenceDockerd dockerd) {
        this.root = root;
        this.berthHome = berthHome;
        this.dockerd = dockerd;
    }

    static Engines start(Path root) throws Exception {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "berth-bench");
        ReferenceDockerd d = ReferenceDockerd.unavailableReason().isEmpty() ? ReferenceDockerd.start() : null;
        Engines e = new Engines(root, home, d);
        e.startBerth();
        if (d != null) {
            e.targets.put(DOCKERD, new Target(DOCKERD, d.dockerHost(), d.cli(), d.process()));
        }
        return e;
    }

    private void startBerth() throws Exception {
        berth("engine", "start").requireSuccess();
        long pid = Long.parseLong(Files.readString(berthHome.resolve("run/engine.pid")).trim());
        String host = "unix://" + berthHome.resolve("run/docker.sock");
        targets.put(BERTH, new Target(BERTH, host, DockerCli.forHost(host), ProcessHandle.of(pid).orElseThrow()));
    }

    /** Stops and starts Berth's engine (for cold-start and idle-memory figures). */
    void restartBerth() throws Exception {
        berth("engine", "stop").requireSuccess();
        startBerth();
    }

    Processes.Result berth(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("berth").toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, Map.of("BERTH_HOME", berthHome.toString()), null, Duration.ofMinutes(5));
    }

    /** Berth's home for this run: its monitors run from the binary installed under it. */
    Path berthHome() {
        return berthHome;
    }

    List<Target> all() {
        return List.copyOf(targets.values());
    }

    Target get(String name) {
        return targets.get(name);
    }

    @Override
    public void close() throws Exception {
        berth("engine", "stop");
        if (dockerd != null) {
            dockerd.close();
        }
        TempDirs.deleteRecursively(berthHome);
    }

    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // process gone
        }
        return 0;
    }
}
