package dev.berth.engine.network.link;

import dev.berth.engine.errors.SystemException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * iproute2's {@code ip}, in batch mode: all the link, address and route changes of one step go to one
 * process (a few milliseconds), and the first failing line stops the batch with its error. iproute2 is
 * part of every Debian system and of the guest image; netlink by hand would be a lot of code for this.
 */
public final class IpCommand {
    private static final Path IP = findIp();

    private IpCommand() {}

    /** Runs {@code lines} in the host's network namespace. */
    public static void batch(List<String> lines) throws IOException {
        run(List.of(IP.toString(), "-batch", "-"), lines);
    }

    /** Runs {@code lines} inside the named network namespace. */
    public static void batchIn(String netns, List<String> lines) throws IOException {
        run(List.of(IP.toString(), "-n", netns, "-batch", "-"), lines);
    }

    /** One command; returns its output (for {@code -o link show}, {@code route show}). */
    public static String query(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(IP.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, List.of());
    }

    private static String run(List<String> cmd, List<String> lines) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SystemException("ip did not finish within 30 s: " + String.join("; ", lines));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running ip", e);
        }
        if (p.exitValue() != 0) {
            throw new SystemException("network setup failed: " + out.trim().replace('\n', ' ')
                    + (lines.isEmpty() ? "" : " (in: " + String.join("; ", lines) + ")"));
        }
        return out;
    }

    private static Path findIp() {
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(d, "ip");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of("ip");
    }
}
