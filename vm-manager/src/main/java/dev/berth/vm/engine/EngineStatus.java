package dev.berth.vm.engine;

/**
 * What {@code berth engine status} reports.
 *
 * @param pid     the engine process, or -1 when not running
 * @param version the engine's Docker-compatible version from {@code /version}, or null
 */
public record EngineStatus(boolean running, long pid, String dockerHost, String version, String apiVersion) {

    public static EngineStatus stopped(String dockerHost) {
        return new EngineStatus(false, -1, dockerHost, null, null);
    }
}
