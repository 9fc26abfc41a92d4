package dev.berth.testkit;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Byte-level mutations for fuzzing protocol parsers: flip a byte, truncate, insert junk, plant a delimiter,
 * duplicate. Seeded, so a failing input reproduces.
 */
public final class Mutations {
    private static final String DELIMITERS = "\r\n :;0fF-%";

    private Mutations() {}

    public static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops && b.length > 0; i++) {
            switch (r.nextInt(5)) {
                case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 2 -> b = insert(b, r.nextInt(b.length + 1), junk(r));
                case 3 -> b[r.nextInt(b.length)] = (byte) DELIMITERS.charAt(r.nextInt(DELIMITERS.length()));
                default -> b = insert(b, b.length, b.clone());
            }
        }
        return b;
    }

    private static byte[] junk(SplittableRandom r) {
        byte[] j = new byte[r.nextInt(1, 300)];
        r.nextBytes(j);
        return j;
    }

    private static byte[] insert(byte[] b, int at, byte[] extra) {
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        return out;
    }

    public static String printable(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
