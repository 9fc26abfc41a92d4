package dev.berth.engine.errors;

/** Category: the engine failed: I/O error, disk full, bug (500). */
public class SystemException extends EngineException {
    public SystemException(String message) {
        super(message);
    }

    public SystemException(String message, Throwable cause) {
        super(message, cause);
    }
}
