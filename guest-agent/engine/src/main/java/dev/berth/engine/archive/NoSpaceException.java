package dev.berth.engine.archive;

import java.io.IOException;

/** The filesystem is (nearly) full: writing stopped before the engine's own reserve was used. */
public final class NoSpaceException extends IOException {
    public NoSpaceException(String message) {
        super(message);
    }
}
