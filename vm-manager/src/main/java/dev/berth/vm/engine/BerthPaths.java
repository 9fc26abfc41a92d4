package dev.berth.vm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where Berth keeps its files for one user ({@code $BERTH_HOME}, default {@code ~/.berth}):
 * <pre>
 *   run/docker.sock    the engine API socket (owner-only)
 *   run/engine.pid     the engine's pid while it runs
 *   logs/engine.log    the engine's log
 *   engine/            the engine's data root (Linux host only; in the VM it lives in the guest)
 * </pre>
 * Under {@code sudo}, the invoking user's home is used, so that {@code sudo berth engine start} and a plain
 * {@code berth engine env} agree on the socket.
 */
public record BerthPaths(Path home, String socketOwner) {

    public static BerthPaths fromEnvironment() {
        return from(System.getenv(), System.getProperty("user.home"));
    }

    static BerthPaths from(Map<String, String> env, String userHome) {
        String explicit = env.get("BERTH_HOME");
        Optional<String> sudoOwner = Optional.ofNullable(env.get("SUDO_UID"))
                .map(uid -> uid + ":" + env.getOrDefault("SUDO_GID", uid));
        if (explicit != null && !explicit.isBlank()) {
            return new BerthPaths(Path.of(explicit).toAbsolutePath(), sudoOwner.orElse(null));
        }
        Path home = Path.of(userHome);
        if (sudoOwner.isPresent() && env.get("SUDO_USER") != null) {
            home = homeOf(env.get("SUDO_USER")).orElse(home);
        }
        return new BerthPaths(home.resolve(".berth"), sudoOwner.orElse(null));
    }

    public Path runDir() {
        return home.resolve("run");
    }

    public Path socket() {
        return runDir().resolve("docker.sock");
    }

    public Path pidFile() {
        return runDir().resolve("engine.pid");
    }

    public Path engineLog() {
        return home.resolve("logs").resolve("engine.log");
    }

    public Path engineRoot() {
        return home.resolve("engine");
    }

    public String dockerHost() {
        return "unix://" + socket();
    }

    private static Optional<Path> homeOf(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length >= 6 && f[0].equals(user)) {
                    return Optional.of(Path.of(f[5]));
                }
            }
        } catch (IOException e) {
            // no passwd file: keep the process's own home
        }
        return Optional.empty();
    }
}
