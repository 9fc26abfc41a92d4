package dev.berth.engine.errors;

/** Category: the request conflicts with the object's current state or name (409). */
public class ConflictException extends EngineException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
