package dev.berth.engine.image.progress;

import dev.berth.oci.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON message stream the docker CLI renders for pull, push, load and import: one object per line
 * ending in {@code \r\n}, with per-layer {@code id}, {@code status} and {@code progressDetail}. Parallel
 * layer downloads write through one instance, so writes are serialized; byte-count updates are throttled to
 * ten per second per layer. A closed client makes writes fail, which cancels the work feeding them.
 */
public final class ProgressStream {
    private static final long MIN_INTERVAL_NANOS = 100_000_000L;

    private final OutputStream out;
    private final Map<String, Long> lastUpdate = new ConcurrentHashMap<>();

    public ProgressStream(OutputStream out) {
        this.out = out;
    }

    /** A line without a layer, e.g. {@code Digest: sha256:...}. */
    public void status(String status) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        write(m);
    }

    public void status(String status, String id) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("id", id);
        write(m);
    }

    /** A per-layer state change such as "Pull complete" (with the empty progressDetail Docker sends). */
    public void layer(String id, String status) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("progressDetail", Map.of());
        m.put("id", id);
        write(m);
    }

    /** A byte-count update; dropped if the previous one for {@code id} was under 100 ms ago. */
    public void progress(String id, String status, long current, long total) throws IOException {
        long now = System.nanoTime();
        Long last = lastUpdate.get(id);
        if (last != null && now - last < MIN_INTERVAL_NANOS && current < total) {
            return;
        }
        lastUpdate.put(id, now);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("progressDetail", Map.of("current", current, "total", total));
        m.put("progress", bar(current, total));
        m.put("id", id);
        write(m);
    }

    public void aux(Object value) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("progressDetail", Map.of());
        m.put("aux", value);
        write(m);
    }

    /** A plain {@code stream} line (load output). */
    public void stream(String text) throws IOException {
        write(Map.of("stream", text));
    }

    /** An error after the 200 head: the docker CLI prints {@code message} and exits 1. */
    public void error(String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errorDetail", Map.of("message", message));
        m.put("error", message);
        write(m);
    }

    private synchronized void write(Object message) throws IOException {
        byte[] json = Json.write(message);
        byte[] line = new byte[json.length + 2];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\r';
        line[json.length + 1] = '\n';
        out.write(line);
    }

    /** Docker's bar: 50 cells, then human sizes, e.g. {@code [=====>          ]  1.389MB/1.982MB}. */
    static String bar(long current, long total) {
        if (total <= 0) {
            return "   " + HumanSize.of(current);
        }
        int width = 50;
        int filled = (int) Math.min(width, width * current / Math.max(1, total));
        StringBuilder sb = new StringBuilder("[");
        sb.append("=".repeat(Math.max(0, filled - 1)));
        sb.append(filled > 0 && filled < width ? ">" : filled == width ? "=" : "");
        sb.append(" ".repeat(width - Math.max(filled, 0)));
        sb.append("] ");
        String size = HumanSize.of(current) + "/" + HumanSize.of(total);
        sb.append(" ".repeat(Math.max(0, 18 - size.length()))).append(size);
        return sb.toString();
    }
}
