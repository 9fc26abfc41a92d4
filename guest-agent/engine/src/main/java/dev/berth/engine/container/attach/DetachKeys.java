package dev.berth.engine.container.attach;

import dev.berth.engine.errors.InvalidArgumentException;
import java.io.ByteArrayOutputStream;

/** Docker's detach-key syntax: {@code ctrl-p,ctrl-q}, {@code ctrl-@}, single characters, comma separated. */
final class DetachKeys {
    private DetachKeys() {}

    static byte[] parse(String spec, byte[] fallback) {
        if (spec == null || spec.isEmpty()) {
            return fallback;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String key : spec.split(",")) {
            String k = key.trim();
            if (k.length() == 1) {
                out.write(k.charAt(0));
            } else if (k.startsWith("ctrl-") && k.length() == 6) {
                char c = Character.toLowerCase(k.charAt(5));
                if (c >= 'a' && c <= 'z') {
                    out.write(c - 'a' + 1);
                } else if ("@[\\]^_".indexOf(c) >= 0) {
                    out.write(c == '@' ? 0 : 27 + "[\\]^_".indexOf(c));
                } else {
                    throw new InvalidArgumentException("Unknown character: '" + k + "'");
                }
            } else {
                throw new InvalidArgumentException("Unknown character: '" + k + "'");
            }
        }
        return out.toByteArray();
    }
}
