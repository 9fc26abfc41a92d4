package dev.berth.engine.container.runtime;

import dev.berth.engine.errors.SystemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OCI runtime binary (runc or crun; their command lines agree) for the operations the engine runs
 * itself. Creating and starting processes goes through the container's monitor, which owns their stdio.
 */
public record OciRuntime(String name, Path binary, Path root) {

    public void delete(String id, boolean force) throws IOException {
        List<String> args = new ArrayList<>(List.of("delete"));
        if (force) {
            args.add("--force");
        }
        args.add(id);
        run(args, true);
    }

    public void pause(String id) throws IOException {
        run(List.of("pause", id), false);
    }

    public void resume(String id) throws IOException {
        run(List.of("resume", id), false);
    }

    /** {@code runc update --resources -} with an OCI LinuxResources JSON document on stdin. */
    public void update(String id, byte[] resourcesJson) throws IOException {
        run(List.of("update", "--resources", "-", id), false, resourcesJson);
    }

    private void run(List<String> args, boolean tolerateMissing) throws IOException {
        run(args, tolerateMissing, null);
    }

    private void run(List<String> args, boolean tolerateMissing, byte[] stdin) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--root", root.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SystemException(name + " " + args.get(0) + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + name, e);
        }
        if (p.exitValue() != 0) {
            if (tolerateMissing && (out.contains("does not exist") || out.contains("not found"))) {
                return;
            }
            throw new SystemException(name + " " + String.join(" ", args) + " failed: " + out);
        }
    }
}
