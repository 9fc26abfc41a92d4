package dev.berth.engine.image.progress;

import java.util.Locale;

/** Decimal sizes with four significant digits, as Docker's units.HumanSize prints them: {@code 98.3kB}. */
public final class HumanSize {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private HumanSize() {}

    public static String of(double bytes) {
        int i = 0;
        while (bytes >= 1000 && i < UNITS.length - 1) {
            bytes /= 1000;
            i++;
        }
        String n = String.format(Locale.ROOT, "%.4g", bytes);
        if (n.contains(".")) {
            n = n.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return n + UNITS[i];
    }
}
