package dev.berth.engine.network.ports;

import java.util.Locale;

/** The transport of a published port, as in {@code -p 8080:80/udp} or the {@code "80/tcp"} keys of PortBindings. */
public enum Protocol {
    TCP,
    UDP;

    /**
     * "tcp" or "udp", any case; null or empty means tcp, as Docker defaults it. SCTP, which Docker also
     * publishes, is refused with a clear message: Berth's proxy does not relay it.
     */
    public static Protocol parse(String s) {
        String p = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "", "tcp" -> TCP;
            case "udp" -> UDP;
            case "sctp" -> throw new IllegalArgumentException("publishing sctp ports is not supported by berth");
            default -> throw new IllegalArgumentException("invalid proto: " + s);
        };
    }

    /** Lowercase, as Docker writes it in "80/tcp" and in its error messages. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
