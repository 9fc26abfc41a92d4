package dev.berth.engine.container.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts monitors. The launched process daemonizes once the runtime has created the container (or exec
 * process) and exits: 0, or non-zero with the runtime's error on stderr, which becomes the error users see
 * ({@code exec: "nosuch": executable file not found in $PATH}).
 */
public final class MonitorLauncher {
    /** How a process's output is kept: the json-file log and its rotation. */
    public record LogOptions(Path file, long maxSize, int maxFiles) {}

    /** The options shared by containers and execs. */
    public record Stdio(boolean tty, boolean stdin, boolean stdinOnce) {}

    /** The runtime refused to create the process; the message is the runtime's. */
    public static final class LaunchFailure extends IOException {
        public LaunchFailure(String message) {
            super(message);
        }
    }

    private final Path binary;

    public MonitorLauncher(Path binary) {
        this.binary = binary;
    }

    public void create(String id, Path bundle, OciRuntime runtime, Path stateDir, Stdio stdio, LogOptions log)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "create", "--id", id, "--bundle",
                bundle.toString()));
        common(cmd, runtime, stateDir, stdio, log);
        launch(cmd, stateDir);
    }

    public void exec(String id, String execId, Path processJson, OciRuntime runtime, Path stateDir, Stdio stdio)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "exec", "--id", id, "--exec-id", execId,
                "--process", processJson.toString()));
        common(cmd, runtime, stateDir, stdio, null);
        launch(cmd, stateDir);
    }

    private static void common(List<String> cmd, OciRuntime runtime, Path stateDir, Stdio stdio, LogOptions log) {
        cmd.addAll(List.of("--runtime", runtime.binary().toString(), "--runtime-root", runtime.root().toString(),
                "--state-dir", stateDir.toString()));
        if (stdio.tty()) {
            cmd.add("--tty");
        }
        if (stdio.stdin()) {
            cmd.add("--stdin");
        }
        // As dockerd: a terminal's input is never closed when a client leaves, so that after a detach
        // (ctrl-p ctrl-q) a later docker attach can type again. Piped stdin ends with its first client.
        if (stdio.stdinOnce() && !stdio.tty()) {
            cmd.add("--stdin-once");
        }
        if (log != null) {
            cmd.addAll(List.of("--log", log.file().toString()));
            if (log.maxSize() > 0) {
                cmd.addAll(List.of("--log-max-size", Long.toString(log.maxSize()), "--log-max-files",
                        Integer.toString(Math.max(1, log.maxFiles()))));
            }
        }
    }

    private static void launch(List<String> cmd, Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LaunchFailure("the container runtime did not create the process within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted starting the monitor", e);
        }
        if (p.exitValue() != 0) {
            throw new LaunchFailure(err.isEmpty() ? "the monitor failed with status " + p.exitValue() : err);
        }
    }
}
