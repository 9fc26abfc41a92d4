package dev.berth.engine.errors;

/** Category: an object the request names does not exist (404). */
public class NotFoundException extends EngineException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
