package dev.berth.engine.errors;

/** Category: the operation is refused by policy (403). */
public class ForbiddenException extends EngineException {
    public ForbiddenException(String message) {
        super(message);
    }

    public ForbiddenException(String message, Throwable cause) {
        super(message, cause);
    }
}
