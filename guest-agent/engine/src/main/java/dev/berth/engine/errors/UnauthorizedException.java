package dev.berth.engine.errors;

/** Category: a registry refused our credentials (401). */
public class UnauthorizedException extends EngineException {
    public UnauthorizedException(String message) {
        super(message);
    }

    public UnauthorizedException(String message, Throwable cause) {
        super(message, cause);
    }
}
