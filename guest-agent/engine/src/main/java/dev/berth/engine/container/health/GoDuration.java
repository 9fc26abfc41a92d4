package dev.berth.engine.container.health;

import java.time.Duration;

/**
 * Go's {@code time.Duration.String()}: Docker puts durations into texts that clients and scripts match, such
 * as "Health check exceeded timeout (500ms)", so they are printed the way dockerd prints them.
 */
final class GoDuration {
    private GoDuration() {}

    /** "0s", "750ns", "1.5µs", "500ms", "2s", "1.25s", "1m30s", "1h0m0s". */
    static String format(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        String sign = n < 0 ? "-" : "";
        long u = Math.abs(n);
        if (u < 1_000) {
            return sign + u + "ns";
        }
        if (u < 1_000_000) {
            return sign + fraction(u, 3) + "µs";
        }
        if (u < 1_000_000_000) {
            return sign + fraction(u, 6) + "ms";
        }
        long seconds = u / 1_000_000_000;
        String secs = fraction(u % 60_000_000_000L, 9) + "s";
        if (seconds < 60) {
            return sign + secs;
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return sign + minutes + "m" + secs;
        }
        return sign + minutes / 60 + "h" + minutes % 60 + "m" + secs;
    }

    /** {@code v} divided by 10^{@code digits}, with the fraction's trailing zeros (and a bare point) dropped. */
    private static String fraction(long v, int digits) {
        long scale = (long) Math.pow(10, digits);
        String frac = String.format("%0" + digits + "d", v % scale).replaceAll("0+$", "");
        return (v / scale) + (frac.isEmpty() ? "" : "." + frac);
    }
}
