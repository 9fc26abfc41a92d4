package dev.berth.engine.container.lifecycle;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerContext;
import dev.berth.engine.errors.EngineException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.SystemException;
import java.io.IOException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Start failures as Docker reports them (moby translateContainerdStartErr): a missing executable sets exit
 * code 127, an unexecutable one 126, both as "invalid configuration" (400); the docker CLI then exits with
 * that code. The container is left exited with the error in its state. Exec failures follow the same rules.
 */
public final class StartErrors {
    private StartErrors() {}

    static EngineException translate(Container c, ContainerContext ctx, String runtimeMessage) {
        String msg = "failed to create task for container: failed to create shim task: OCI runtime create failed: "
                + runtimeMessage + ": unknown";
        int code = exitCode(msg);
        try {
            ctx.store().saveState(c, c.state().failed(msg, code));
        } catch (IOException io) {
            LoggerFactory.getLogger(StartErrors.class).warn("cannot record the failed start of {}: {}", c.id(), io.toString());
        }
        ctx.events().publish(c, "die", java.util.Map.of("exitCode", Integer.toString(code)));
        return exception(msg);
    }

    /** 127: nothing to execute; 126: not executable; 128: any other runtime failure. */
    public static int exitCode(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("executable file not found") || lower.contains("no such file or directory")
                || lower.contains("not a directory")) {
            return 127;
        }
        return lower.contains("permission denied") ? 126 : 128;
    }

    /** The API error for a runtime failure: 400 for the user's configuration, 500 for the rest. */
    public static EngineException exception(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("not a directory")) {
            return new InvalidArgumentException(message + ": Are you trying to mount a directory onto a file (or "
                    + "vice-versa)? Check if the specified host path exists and is the expected type");
        }
        return exitCode(message) == 128 ? new SystemException(message) : new InvalidArgumentException(message);
    }
}
