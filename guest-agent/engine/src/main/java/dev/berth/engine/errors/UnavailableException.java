package dev.berth.engine.errors;

/** Category: a dependency is not reachable right now: a registry, the runtime (503). */
public class UnavailableException extends EngineException {
    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
