package dev.berth.engine.errors;

/** Category: the object is already in the requested state (304; the CLI treats it as success). */
public class NotModifiedException extends EngineException {
    public NotModifiedException(String message) {
        super(message);
    }

    public NotModifiedException(String message, Throwable cause) {
        super(message, cause);
    }
}
