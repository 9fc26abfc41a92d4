package dev.berth.engine.image.registry;

import dev.berth.engine.errors.InvalidArgumentException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;

/**
 * One registry as the client addresses it.
 *
 * @param domain          the registry part of an image reference ({@code docker.io}, {@code 127.0.0.1:5000})
 * @param apiHost         {@code host[:port]} the distribution API is served on; Docker Hub's is not docker.io
 * @param credentialKey   the key credentials are stored under, as the docker CLI stores them
 * @param insecureAllowed plain HTTP and unverified TLS may be used: loopback, or listed by the user
 */
record RegistryHost(String domain, String apiHost, String credentialKey, boolean insecureAllowed) {
    static final String HUB_API_HOST = "registry-1.docker.io";
    /** The docker CLI has stored Hub credentials under this key since v1; `docker login` still does. */
    static final String HUB_CREDENTIAL_KEY = "https://index.docker.io/v1/";
    static final Set<String> HUB_ALIASES = Set.of("docker.io", "index.docker.io", HUB_API_HOST);

    /** The registry of a normalized reference's domain. */
    static RegistryHost of(String domain, RegistryConfig config) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (HUB_ALIASES.contains(d)) {
            return new RegistryHost("docker.io", HUB_API_HOST, HUB_CREDENTIAL_KEY, false);
        }
        return new RegistryHost(d, d, d, isLoopback(d) || config.isListedInsecure(d));
    }

    /**
     * The registry named by {@code docker login}'s server address: empty means Docker Hub, and a scheme or
     * path ({@code https://index.docker.io/v1/}, {@code http://host:5000/v2/}) is dropped. As in Docker, the
     * scheme the user typed does not choose the scheme used: the insecure-registry rules do.
     */
    static RegistryHost forServerAddress(String serverAddress, RegistryConfig config) {
        String host = hostOfServerAddress(serverAddress);
        if (host.isEmpty()) {
            return of("docker.io", config);
        }
        if (!host.matches("[a-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-f:.]+](:[0-9]{1,5})?")) {
            throw new InvalidArgumentException("invalid registry address: " + serverAddress);
        }
        return of(host, config);
    }

    /** {@code https://host:5000/v2/} → {@code host:5000}; what the docker CLI calls ConvertToHostname. */
    static String hostOfServerAddress(String serverAddress) {
        String s = serverAddress == null ? "" : serverAddress.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("http://")) {
            s = s.substring("http://".length());
        } else if (s.startsWith("https://")) {
            s = s.substring("https://".length());
        }
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }

    boolean isDockerHub() {
        return apiHost.equals(HUB_API_HOST);
    }

    /** {@code [::1]:5000} → {@code ::1}, {@code host:5000} → {@code host}, {@code host} → {@code host}. */
    static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(1, close);
        }
        int colon = hostPort.indexOf(':');
        if (colon < 0 || hostPort.indexOf(':', colon + 1) >= 0) {
            return hostPort; // no port, or a bare IPv6 literal
        }
        return hostPort.substring(0, colon);
    }

    /**
     * True for {@code localhost}, 127.0.0.0/8 and ::1, decided from the text alone: resolving names here
     * would let DNS decide whether credentials may travel in clear text.
     */
    static boolean isLoopback(String hostPort) {
        String host = hostOnly(hostPort.toLowerCase(Locale.ROOT));
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9a-f:.]+")) {
            return false;
        }
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }
}
