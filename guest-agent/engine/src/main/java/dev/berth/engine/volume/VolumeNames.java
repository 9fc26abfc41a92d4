package dev.berth.engine.volume;

import dev.berth.engine.errors.InvalidArgumentException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of local volumes, checked as Docker's local driver checks them. The name becomes a directory under
 * {@code <root>/volumes/}, so the pattern is also what keeps {@code /} and {@code ..} out of that path.
 */
public final class VolumeNames {
    /** Docker's RestrictedNamePattern: no slash, no leading dot, at least two characters. */
    static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    /** The label Docker puts on volumes made for a container (anonymous volumes); prune looks for it. */
    public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    private static final SecureRandom RANDOM = new SecureRandom();

    private VolumeNames() {}

    public static boolean valid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Refuses a name the local driver cannot take, with dockerd's text. */
    public static void check(String name) {
        if (!valid(name)) {
            throw new InvalidArgumentException("create " + name + ": \"" + name + "\" includes invalid characters "
                    + "for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to "
                    + "pass a host directory, use absolute path");
        }
    }

    /** A fresh anonymous volume name: 64 hex digits, like a container ID. */
    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
