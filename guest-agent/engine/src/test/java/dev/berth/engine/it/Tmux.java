package dev.berth.engine.it;

import dev.berth.testkit.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real terminal for interactive tests: a detached tmux session running a command, typed into with
 * send-keys, read with capture-pane, resized like a user resizing the window. Each session has its own
 * tmux server socket, so tests never touch a user's tmux.
 */
final class Tmux implements AutoCloseable {
    private final String socket;
    private final Path exitFile;

    private Tmux(String socket, Path exitFile) {
        this.socket = socket;
        this.exitFile = exitFile;
    }

    /** Starts {@code command} (a shell line) in a {@code width}x{@code height} terminal. */
    static Tmux start(String command, Map<String, String> env, int width, int height) throws Exception {
        Path exitFile = Files.createTempFile("berth-tmux", ".exit");
        Files.delete(exitFile);
        Tmux t = new Tmux("berth-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime(), exitFile);
        StringBuilder line = new StringBuilder();
        env.forEach((k, v) -> line.append(k).append("='").append(v).append("' "));
        line.append(command).append("; echo $? > ").append(exitFile).append("; sleep 600");
        t.tmux("new-session", "-d", "-s", "main", "-x", Integer.toString(width), "-y", Integer.toString(height),
                line.toString());
        return t;
    }

    void type(String text) throws Exception {
        tmux("send-keys", "-t", "main", "-l", text);
        tmux("send-keys", "-t", "main", "Enter");
    }

    void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "main"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    void resize(int width, int height) throws Exception {
        tmux("resize-window", "-t", "main", "-x", Integer.toString(width), "-y", Integer.toString(height));
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-t", "main", "-p");
    }

    /** Polls the screen until {@code test} holds; returns the screen (the caller asserts on it). */
    String waitFor(Predicate<String> test, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String s = screen();
        while (!test.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = screen();
        }
        return s;
    }

    /** The command's exit status once it has ended, or null if it has not within {@code timeout}. */
    Integer exitCode(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(exitFile) && !Files.readString(exitFile).isBlank()) {
                return Integer.parseInt(Files.readString(exitFile).trim());
            }
            Thread.sleep(50);
        }
        return null;
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, Duration.ofSeconds(10)).requireSuccess().stdout();
    }

    @Override
    public void close() throws Exception {
        Processes.run(List.of("tmux", "-L", socket, "kill-server"), Duration.ofSeconds(10));
        Files.deleteIfExists(exitFile);
    }
}
