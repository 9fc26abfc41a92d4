package dev.berth.api.launch;

import java.util.List;

/**
 * How an engine process is started: its main class and JVM flags. Shared by the host launcher
 * ({@code berth engine start}), the guest image's init, and the test harness, so all run the same engine.
 */
public final class EngineLaunch {
    public static final String MAIN_CLASS = "dev.berth.engine.EngineMain";

    /** The first argument that makes the engine main remove its network state from the host and exit. */
    public static final String UNINSTALL_NETWORK = "--uninstall-network";

    /**
     * SerialGC and a 16 MiB initial heap that is given back when idle: the engine mostly waits, and the JVM's
     * default initial heap (1/64 of RAM) would make it look large at rest. C2 stays on: layer hashing and
     * inflating run twice as fast with it.
     */
    public static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-Xms16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:+ExitOnOutOfMemoryError");

    private EngineLaunch() {}
}
