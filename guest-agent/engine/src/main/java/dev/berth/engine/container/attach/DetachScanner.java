package dev.berth.engine.container.attach;

import java.io.ByteArrayOutputStream;

/**
 * Finds the detach sequence in a stdin stream that arrives in arbitrary chunks. Bytes that might start the
 * sequence are held back until it is clear whether they do; if they don't, they are passed on in order.
 */
final class DetachScanner {
    private final byte[] keys;
    private int matched;
    private boolean detached;

    DetachScanner(byte[] keys) {
        this.keys = keys;
    }

    /** The bytes of this chunk to forward (never including any part of a detach sequence). */
    byte[] feed(byte[] buf, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        for (int i = off; i < off + len && !detached; i++) {
            byte b = buf[i];
            if (keys.length == 0) {
                out.write(b);
                continue;
            }
            if (b == keys[matched]) {
                if (++matched == keys.length) {
                    detached = true;
                }
                continue;
            }
            out.write(keys, 0, matched); // the held prefix was ordinary input after all
            matched = 0;
            if (b == keys[0]) {
                matched = 1;
                if (keys.length == 1) {
                    detached = true;
                }
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    boolean detached() {
        return detached;
    }
}
