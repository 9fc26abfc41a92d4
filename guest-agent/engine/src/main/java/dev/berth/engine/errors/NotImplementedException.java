package dev.berth.engine.errors;

/** Category: the feature exists in Docker's API but not in Berth (501). */
public class NotImplementedException extends EngineException {
    public NotImplementedException(String message) {
        super(message);
    }

    public NotImplementedException(String message, Throwable cause) {
        super(message, cause);
    }
}
