package dev.berth.engine.image.registry;

import java.io.IOException;

/**
 * Supplies a value that may need I/O to produce, such as a fresh stream over a blob to upload. The client
 * calls it once per attempt, so an upload can be re-sent after an auth retry or a redirect.
 */
@FunctionalInterface
public interface IOSupplier<T> {
    T get() throws IOException;
}
