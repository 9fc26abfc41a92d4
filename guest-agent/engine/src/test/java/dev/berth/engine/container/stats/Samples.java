package dev.berth.engine.container.stats;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The sample trees under {@code src/test/resources/stats}: v1 copied from a host, v2 and proc hand-written. */
final class Samples {
    private Samples() {}

    static Path dir(String name) {
        try {
            return Path.of(Samples.class.getResource("/stats/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
