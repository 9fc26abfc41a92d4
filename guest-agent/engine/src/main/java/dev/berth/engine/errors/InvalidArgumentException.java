package dev.berth.engine.errors;

/** Category: the request itself is wrong: bad parameter, malformed body (400). */
public class InvalidArgumentException extends EngineException {
    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
