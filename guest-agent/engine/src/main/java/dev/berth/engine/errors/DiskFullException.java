package dev.berth.engine.errors;

import java.io.IOException;

/**
 * Category: the data disk is full (500, as Docker). A subtype of {@link SystemException} so it maps the
 * same, but callers can tell it apart: a full disk is never retried, and partial work is freed at once.
 */
public class DiskFullException extends SystemException {
    public DiskFullException(String message) {
        super(message);
    }

    /** True if {@code e} (or a cause) is the kernel's ENOSPC as the JDK reports it. */
    public static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof IOException && m != null
                    && (m.contains("No space left on device") || m.contains("no space left on device")
                            || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
