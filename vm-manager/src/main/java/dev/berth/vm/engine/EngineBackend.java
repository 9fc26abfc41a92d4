package dev.berth.vm.engine;

import java.io.IOException;

/**
 * How this machine runs the engine. On Linux the engine runs on the host ({@link HostEngineBackend});
 * on macOS and Windows it will run inside Berth's VM (not built yet).
 */
public interface EngineBackend {

    /** Starts the engine if it is not running and returns once it answers {@code _ping}. */
    EngineStatus start() throws IOException, InterruptedException;

    /** Stops the engine; containers keep running (they belong to their monitors, not to the engine). */
    void stop() throws IOException, InterruptedException;

    EngineStatus status();

    /**
     * Stops every container and the engine, and removes what the engine put on this machine besides its data
     * (network bridges, namespaces and firewall rules on Linux). Returns what was done, a line each.
     */
    java.util.List<String> uninstall() throws IOException, InterruptedException;

    /** The value for {@code DOCKER_HOST} that reaches this engine. */
    String dockerHost();

    /** Where to look when something goes wrong. */
    java.nio.file.Path logFile();

    static EngineBackend forThisMachine(BerthPaths paths) {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux")) {
            return new HostEngineBackend(paths);
        }
        return new UnsupportedBackend(os, paths);
    }
}
