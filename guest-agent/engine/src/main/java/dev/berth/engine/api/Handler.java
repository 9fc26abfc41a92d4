package dev.berth.engine.api;

/** Serves one route. Throw an {@code EngineException} for errors; the server maps it to a status. */
@FunctionalInterface
public interface Handler {
    void handle(Request request, Response response) throws Exception;
}
