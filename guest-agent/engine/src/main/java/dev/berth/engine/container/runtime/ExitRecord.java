package dev.berth.engine.container.runtime;

import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The exit record a monitor writes when its process ends ({@code exit.json}, {@code exec-<name>.exit.json}):
 * the engine reads it when the monitor is no longer there to answer WAIT (it exited, or the engine was down).
 */
public record ExitRecord(Integer exitCode, Integer signal, String finishedAt) {
    /** What a process that vanished without a record is taken to have died of: SIGKILL. */
    public static final int KILLED = 137;

    /** The recorded exit code, or {@link #KILLED} when there is no readable record. */
    public static int exitCode(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                ExitRecord r = Json.read(Files.readAllBytes(file), ExitRecord.class);
                if (r.exitCode() != null) {
                    return r.exitCode();
                }
            }
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(ExitRecord.class).warn("unreadable {}: {}", file, e.toString());
        }
        return KILLED;
    }
}
