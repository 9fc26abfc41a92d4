package dev.berth.engine.container.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading json-file logs: rotation order, tail, since/until, streams, torn lines, follow without gaps. */
class LogReaderTest {
    @TempDir
    Path dir;

    static String line(String text, String stream, String time) {
        return "{\"log\":\"" + text + "\\n\",\"stream\":\"" + stream + "\",\"time\":\"" + time + "\"}\n";
    }

    static List<String> texts(List<LogEntry> es) {
        return es.stream().map(e -> new String(e.data(), StandardCharsets.UTF_8).trim()).toList();
    }

    static LogReader.Query all() {
        return new LogReader.Query(-1, null, null, true, true);
    }

    @Test
    void rotatedFilesComeFirstOldestFirst() throws IOException {
        Path log = dir.resolve("c-json.log");
        Files.writeString(log.resolveSibling("c-json.log.2"), line("a", "stdout", "2026-01-01T00:00:01Z"));
        Files.writeString(log.resolveSibling("c-json.log.1"), line("b", "stdout", "2026-01-01T00:00:02Z"));
        Files.writeString(log, line("c", "stderr", "2026-01-01T00:00:03Z"));
        assertEquals(List.of("a", "b", "c"), texts(LogReader.read(log, all())));
    }

    @Test
    void tailSinceUntilAndStreamsFilter() throws IOException {
        Path log = dir.resolve("c-json.log");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            sb.append(line("l" + i, i % 2 == 0 ? "stderr" : "stdout", "2026-01-01T00:00:0" + i + "Z"));
        }
        Files.writeString(log, sb);
        assertEquals(List.of("l4", "l5"), texts(LogReader.read(log, new LogReader.Query(2, null, null, true, true))));
        assertEquals(List.of("l3", "l5"), texts(LogReader.read(log, new LogReader.Query(2, null, null, true, false))));
        assertEquals(List.of("l3", "l4"), texts(LogReader.read(log, new LogReader.Query(-1,
                Instant.parse("2026-01-01T00:00:03Z"), Instant.parse("2026-01-01T00:00:05Z"), true, true))));
        assertEquals(List.of(), texts(LogReader.read(log, new LogReader.Query(0, null, null, true, true))));
    }

    @Test
    void aLineTornByACrashIsSkipped() throws IOException {
        Path log = dir.resolve("c-json.log");
        Files.writeString(log, line("ok", "stdout", "2026-01-01T00:00:01Z") + "{\"log\":\"tor");
        assertEquals(List.of("ok"), texts(LogReader.read(log, all())));
    }

    @Test
    void readUpToAnOffsetThenFollowFromItSeesEveryLineOnce() throws Exception {
        Path log = dir.resolve("c-json.log");
        Files.writeString(log, line("1", "stdout", "2026-01-01T00:00:01Z"));
        long offset = LogReader.size(log);
        Files.writeString(log, line("2", "stdout", "2026-01-01T00:00:02Z"), java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of("1"), texts(LogReader.read(log, all(), offset)), "a read stops at the offset");

        List<LogEntry> followed = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
                Files.writeString(log, line("3", "stdout", "2026-01-01T00:00:03Z"),
                        java.nio.file.StandardOpenOption.APPEND);
                stop.set(true); // written before "exited": the follow's last pass must still see it
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        LogReader.follow(log, all(), offset, followed::add, stop::get);
        writer.join();
        assertEquals(List.of("2", "3"), texts(followed));
    }

    @Test
    void followContinuesIntoANewFileAfterRotation() throws Exception {
        Path log = dir.resolve("c-json.log");
        Files.writeString(log, line("1", "stdout", "2026-01-01T00:00:01Z"));
        List<LogEntry> followed = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread rotator = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
                Files.move(log, log.resolveSibling("c-json.log.1"));
                Files.writeString(log, line("2", "stdout", "2026-01-01T00:00:02Z"));
                Thread.sleep(200);
                stop.set(true);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        LogReader.follow(log, all(), LogReader.size(log), followed::add, stop::get);
        rotator.join();
        assertEquals(List.of("2"), texts(followed));
    }
}
