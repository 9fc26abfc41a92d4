package dev.berth.api.client;

import java.io.IOException;

/** The engine answered with an error status; {@link #getMessage()} is the engine's own message. */
public final class EngineApiException extends IOException {
    private final int status;

    public EngineApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
