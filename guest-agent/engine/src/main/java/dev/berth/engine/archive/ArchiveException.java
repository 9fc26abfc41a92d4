package dev.berth.engine.archive;

import java.io.IOException;

/** The archive is hostile or broken: an entry escapes, a link points nowhere, a limit is exceeded. */
public final class ArchiveException extends IOException {
    public ArchiveException(String message) {
        super(message);
    }
}
