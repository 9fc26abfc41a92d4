package dev.berth.api.http;

import java.io.IOException;

/**
 * A malformed or over-limit HTTP message. On the server side {@link #status()} is the response to send
 * before closing the connection (400, 413, 414, 431, 501, 505).
 */
public final class HttpException extends IOException {
    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
