package dev.berth.engine.image.registry;

import dev.berth.engine.EngineVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the registry client reaches registries.
 *
 * @param insecureRegistries registries the user allows over plain HTTP (and TLS without verification), as
 *                           {@code host:port} or {@code host}; loopback registries are always allowed
 * @param connectTimeout     TCP connect timeout for every registry, token server and blob store
 * @param userAgent          the User-Agent header; registries log it and some rate-limit by it
 * @param dockerConfigDir    the docker CLI's config directory, read for default credentials
 */
public record RegistryConfig(List<String> insecureRegistries, Duration connectTimeout, String userAgent,
                             Path dockerConfigDir) {

    public RegistryConfig {
        insecureRegistries = insecureRegistries == null ? List.of()
                : insecureRegistries.stream().map(RegistryConfig::normalizeEntry).filter(e -> !e.isEmpty()).toList();
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        userAgent = userAgent == null || userAgent.isBlank() ? defaultUserAgent() : userAgent;
        Objects.requireNonNull(dockerConfigDir, "dockerConfigDir");
    }

    /** The engine's settings: 15 s connect timeout (Docker dials with 30 s; a dead registry should fail sooner). */
    public static RegistryConfig defaults(List<String> insecure) {
        return new RegistryConfig(insecure, Duration.ofSeconds(15), defaultUserAgent(), defaultDockerConfigDir());
    }

    /** {@code $DOCKER_CONFIG}, else {@code ~/.docker}: where the docker CLI keeps config.json. */
    public static Path defaultDockerConfigDir() {
        String env = System.getenv("DOCKER_CONFIG");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".docker");
    }

    static String defaultUserAgent() {
        return "berth/" + EngineVersion.BERTH + " (docker-compatible " + EngineVersion.DOCKER_COMPAT + ")";
    }

    /**
     * True if the user listed {@code hostPort} as insecure, either exactly or by its host alone: an entry
     * {@code myreg} covers {@code myreg:5000}, an entry {@code myreg:5000} covers only that port.
     */
    public boolean isListedInsecure(String hostPort) {
        String wanted = hostPort.toLowerCase(Locale.ROOT);
        String hostOnly = RegistryHost.hostOnly(wanted);
        for (String entry : insecureRegistries) {
            if (entry.equals(wanted) || entry.equals(hostOnly) || entry.equals("[" + hostOnly + "]")) {
                return true;
            }
        }
        return false;
    }

    /** Users write entries like the daemon.json ones: a scheme or a trailing slash is tolerated. */
    private static String normalizeEntry(String entry) {
        String e = entry == null ? "" : entry.trim().toLowerCase(Locale.ROOT);
        for (String scheme : List.of("http://", "https://")) {
            if (e.startsWith(scheme)) {
                e = e.substring(scheme.length());
            }
        }
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        return e;
    }
}
