package dev.berth.engine.container.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a container's json-file log, including rotated files ({@code log.N} is older than {@code log.1},
 * which is older than {@code log}). The monitor writes the files; this side only reads, so reading never
 * slows the container down, and logs survive engine restarts.
 */
public final class LogReader {
    /** What to read. {@code tail} < 0 means all; {@code since}/{@code until} may be null. */
    public record Query(int tail, Instant since, Instant until, boolean stdout, boolean stderr) {
        boolean accepts(LogEntry e) {
            return (e.stream() == LogEntry.STDOUT ? stdout : stderr)
                    && (since == null || !e.time().isBefore(since)) && (until == null || e.time().isBefore(until));
        }
    }

    /** Receives entries; returns false to stop (client gone). */
    @FunctionalInterface
    public interface Sink {
        boolean accept(LogEntry e) throws IOException;
    }

    private LogReader() {}

    /** The stored entries matching {@code q}, oldest first. */
    public static List<LogEntry> read(Path log, Query q) throws IOException {
        return read(log, q, Long.MAX_VALUE);
    }

    /**
     * The stored entries matching {@code q}, reading the live file only up to {@code liveLimit} bytes: a
     * follow that continues from there then neither misses nor repeats a line.
     */
    public static List<LogEntry> read(Path log, Query q, long liveLimit) throws IOException {
        Deque<LogEntry> kept = new ArrayDeque<>();
        for (Path f : files(log)) {
            InputStream in = Files.newInputStream(f);
            if (f.equals(log)) {
                in = new BoundedInputStream(in, liveLimit);
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    LogEntry e = LogEntry.parse(line);
                    if (e != null && q.accepts(e)) {
                        kept.addLast(e);
                        if (q.tail() >= 0 && kept.size() > q.tail()) {
                            kept.removeFirst();
                        }
                    }
                }
            }
        }
        return new ArrayList<>(kept);
    }

    /**
     * Streams new entries appended after the current end of {@code log}, following rotation, until
     * {@code stop} says so (container exited and everything was read) or the sink refuses.
     */
    public static void follow(Path log, Query q, long startOffset, Sink sink, BooleanSupplier stop)
            throws IOException, InterruptedException {
        long offset = startOffset;
        Object fileKey = fileKey(log);
        // Bytes, not chars: a read may stop in the middle of a line the monitor is writing, and '\n' never
        // occurs inside a UTF-8 sequence, so splitting on it is safe.
        java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        boolean lastPass = false;
        while (true) {
            boolean progressed = false;
            if (Files.exists(log)) {
                Object key = fileKey(log);
                if (key != null && !key.equals(fileKey)) {
                    offset = 0; // rotated: the monitor started a new file
                    fileKey = key;
                    partial.reset();
                }
                try (RandomAccessFile raf = new RandomAccessFile(log.toFile(), "r")) {
                    raf.seek(offset);
                    int n;
                    while ((n = raf.read(buf)) > 0) {
                        offset += n;
                        progressed = true;
                        for (int i = 0; i < n; i++) {
                            if (buf[i] != '\n') {
                                partial.write(buf[i]);
                                continue;
                            }
                            LogEntry e = LogEntry.parse(partial.toString(StandardCharsets.UTF_8));
                            partial.reset();
                            if (e != null && q.accepts(e) && !sink.accept(e)) {
                                return;
                            }
                        }
                    }
                }
            }
            if (!progressed) {
                if (lastPass) {
                    return;
                }
                if (stop.getAsBoolean()) {
                    lastPass = true; // lines written just before the stop condition became true
                    continue;
                }
                Thread.sleep(50);
            }
        }
    }

    /** The current size of the live file, where a follow that starts after a read must begin. */
    public static long size(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    private static Object fileKey(Path p) throws IOException {
        return Files.exists(p) ? Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey()
                : null;
    }

    /** Rotated files oldest first, then the live one. */
    static List<Path> files(Path log) {
        List<Path> out = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            Path rotated = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(rotated)) {
                out.add(rotated);
            }
        }
        if (Files.exists(log)) {
            out.add(log);
        }
        return out;
    }

    /** Reads at most {@code limit} bytes of {@code in}. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
