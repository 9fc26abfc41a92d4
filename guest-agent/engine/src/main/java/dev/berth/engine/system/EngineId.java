package dev.berth.engine.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** A stable identity for this engine's data root, shown as {@code ID} in {@code docker info}. */
final class EngineId {
    private EngineId() {}

    static String loadOrCreate(Path root) throws IOException {
        Path file = root.resolve("engine-id");
        if (Files.isRegularFile(file)) {
            return Files.readString(file).trim();
        }
        String id = UUID.randomUUID().toString();
        Path tmp = root.resolve("engine-id.tmp");
        Files.writeString(tmp, id + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
