package dev.berth.engine.container.lifecycle;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.Locale;

/** Docker's size strings for log options: {@code 10m}, {@code 1g}, {@code 512k}, {@code 100} (binary units). */
final class ByteSizes {
    private ByteSizes() {}

    static long parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
            case 'k' -> mult = 1L << 10;
            case 'm' -> mult = 1L << 20;
            case 'g' -> mult = 1L << 30;
            default -> mult = 1;
        }
        if (mult > 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n * mult;
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid size: '" + s + "'");
        }
    }
}
