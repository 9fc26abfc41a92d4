package dev.berth.engine.errors;

/**
 * The base of the engine's typed error categories. Each subclass is one category that the API layer maps
 * to one HTTP status ({@code ErrorMapper}); code below the API never picks status codes itself. Messages are
 * what the docker CLI prints, so they follow Docker's wording where clients or users rely on it.
 */
public abstract class EngineException extends RuntimeException {
    protected EngineException(String message) {
        super(message);
    }

    protected EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
