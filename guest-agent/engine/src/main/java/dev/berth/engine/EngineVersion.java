package dev.berth.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions the engine reports. */
public final class EngineVersion {
    /** Berth's own version, from the build. */
    public static final String BERTH = load();
    /**
     * The Docker Engine release whose API (1.44) Berth implements. Clients parse this as a semantic version
     * (Testcontainers requires at least 1.6.0), so it must look like Docker's, not like Berth's 0.x.
     */
    public static final String DOCKER_COMPAT = "25.0.0";

    private EngineVersion() {}

    private static String load() {
        try (InputStream in = EngineVersion.class.getResourceAsStream("/berth-engine.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
