package dev.berth.engine.network.firewall;

import dev.berth.engine.errors.SystemException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a firewall tool with a script on stdin; a failure carries the tool's own words. */
final class Commands {
    private Commands() {}

    static String run(List<String> cmd, String stdin, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SystemException(what + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + what, e);
        }
        if (p.exitValue() != 0) {
            throw new SystemException("firewall update failed (" + what + "): " + out.trim());
        }
        return out;
    }
}
