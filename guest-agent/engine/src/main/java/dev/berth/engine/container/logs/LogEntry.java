package dev.berth.engine.container.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One json-file log record: a line (or part of a long one) the container wrote on stdout or stderr. */
public record LogEntry(Instant time, int stream, byte[] data) {
    public static final int STDOUT = 1;
    public static final int STDERR = 2;

    /** Parses {@code {"log":"...","stream":"stdout","time":"..."}}; null for a line that is not one. */
    static LogEntry parse(String line) {
        try {
            var n = dev.berth.oci.Json.mapper().readTree(line);
            String log = n.path("log").asString(null);
            String time = n.path("time").asString(null);
            if (log == null || time == null) {
                return null;
            }
            int stream = "stderr".equals(n.path("stream").asString("")) ? STDERR : STDOUT;
            return new LogEntry(Instant.parse(time), stream, log.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException torn) {
            return null; // a line cut by a crash mid-write: skip it, as Docker does
        }
    }

    /** RFC 3339 with nine fraction digits, as {@code docker logs -t} prints. */
    public String timestamp() {
        String s = time.toString();
        int dot = s.indexOf('.');
        String frac = dot < 0 ? "" : s.substring(dot + 1, s.length() - 1);
        String base = dot < 0 ? s.substring(0, s.length() - 1) : s.substring(0, dot);
        return base + "." + (frac + "000000000").substring(0, 9) + "Z";
    }
}
