package dev.berth.engine.image.registry;

import java.net.URI;
import java.util.Locale;

/**
 * {@code scheme://host:port}: the unit credentials are bound to. A redirect or upload location with any
 * other origin gets no Authorization header, whatever path it has.
 */
record Origin(String scheme, String host, int port) {

    static Origin of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Origin(scheme, host, port);
    }

    /** {@code host:port} as registries are named in config, with the port left out when it is the default. */
    String hostPort() {
        boolean defaultPort = (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return defaultPort ? host : host + ":" + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port;
    }
}
