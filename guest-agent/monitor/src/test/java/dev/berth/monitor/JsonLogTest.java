package dev.berth.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.Processes;
import dev.berth.testkit.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The json-file log writer, driven through {@code berth-monitor logtest} (which logs its stdin exactly as
 * container output is logged): escaping, line splitting, timestamps, rotation. Needs no root or runtime.
 */
class JsonLogTest {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    static Path dir;
    static Path binary;

    @BeforeAll
    static void install() throws IOException {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "berth-monitor is Linux-only");
        dir = Files.createTempDirectory("berth-monitor-logtest");
        binary = MonitorBinary.install(dir.resolve("bin"));
    }

    @AfterAll
    static void cleanUp() {
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    record Entry(String raw, String log, String stream, String time) {}

    static List<Entry> log(byte[] input, String... options) throws Exception {
        Path file = Files.createTempFile(dir, "log", ".json");
        Files.delete(file);
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "logtest", "--log", file.toString()));
        cmd.addAll(List.of(options));
        Processes.run(cmd, Map.of(), input, Duration.ofSeconds(30)).requireSuccess();
        return entries(file);
    }

    static List<Entry> entries(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(line);
            out.add(new Entry(line, n.get("log").stringValue(), n.get("stream").stringValue(),
                    n.get("time").stringValue()));
        }
        return out;
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                b.writeBytes((byte[]) p);
            }
        }
        return b.toByteArray();
    }

    @Test
    void escapesLikeDockerJsonFile() throws Exception {
        List<Entry> e = log(bytes("hello\n", "tab\t\"q\" \\ <a&b> \u0001\r\n",
                new byte[] {(byte) 0xff, 'x', (byte) 0xe2, (byte) 0x82, ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80,
                    '\n'},
                "euro \u20ac line\u2028sep \uD83D\uDE00\n", "no newline at the end"));
        assertEquals(5, e.size(), e.toString());
        assertEquals("{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"" + e.get(0).time() + "\"}",
                e.get(0).raw());
        assertTrue(e.get(1).raw().startsWith(
                "{\"log\":\"tab\\u0009\\\"q\\\" \\\\ \\u003ca\\u0026b\\u003e \\u0001\\r\\n\""), e.get(1).raw());
        assertEquals("tab\t\"q\" \\ <a&b> \u0001\r\n", e.get(1).log());
        // invalid UTF-8: each bad byte is one U+FFFD (a surrogate encoding is invalid too), as in Go
        assertEquals("\ufffdx\ufffd\ufffd \ufffd\ufffd\ufffd\n", e.get(2).log());
        assertTrue(e.get(3).raw().contains("euro \u20ac line\\u2028sep \uD83D\uDE00\\n"), e.get(3).raw());
        assertEquals("no newline at the end", e.get(4).log(), "a partial line is flushed when the stream ends");
        Instant previous = Instant.EPOCH;
        for (Entry entry : e) {
            assertEquals("stdout", entry.stream());
            assertTrue(TIME.matcher(entry.time()).matches(), entry.time());
            Instant t = Instant.parse(entry.time());
            assertFalse(t.isBefore(previous));
            previous = t;
        }
    }

    @Test
    void splitsLongLinesAt16KiB() throws Exception {
        String a = "a".repeat(40_000);
        String b = "b".repeat(20_000) + "\n";
        List<Entry> e = log(bytes(b, a), "--stream", "stderr");
        List<Integer> lengths = e.stream().map(x -> x.log().length()).toList();
        assertEquals(List.of(16384, 20_001 - 16384, 16384, 16384, 40_000 - 2 * 16384), lengths);
        assertEquals("b".repeat(20_000 - 16384) + "\n", e.get(1).log());
        assertFalse(e.get(0).log().endsWith("\n"), "a partial entry has no newline");
        assertTrue(e.stream().allMatch(x -> x.stream().equals("stderr")));
    }

    @Test
    void rotatesKeepingAtMostMaxFiles() throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            out.append("line-").append(i).append('\n');
        }
        Path file = dir.resolve("rotated.json");
        Processes.run(List.of(binary.toString(), "logtest", "--log", file.toString(), "--log-max-size", "8192",
                "--log-max-files", "4"), Map.of(), bytes(out.toString()), Duration.ofSeconds(30)).requireSuccess();
        assertFalse(Files.exists(dir.resolve("rotated.json.4")), "no more than --log-max-files files");
        List<Integer> numbers = new ArrayList<>();
        for (String name : List.of("rotated.json.3", "rotated.json.2", "rotated.json.1", "rotated.json")) {
            Path f = dir.resolve(name);
            assertTrue(Files.size(f) <= 8192, name + " is " + Files.size(f) + " bytes");
            for (Entry e : entries(f)) {
                numbers.add(Integer.parseInt(e.log().substring(5, e.log().length() - 1)));
            }
        }
        // the kept files hold the newest lines, each once, in order
        assertEquals(2000, numbers.getLast());
        for (int i = 1; i < numbers.size(); i++) {
            assertEquals(numbers.get(i - 1) + 1, numbers.get(i));
        }
    }

    @Test
    void oneFileIsTruncatedAndAnExistingLogIsAppendedTo() throws Exception {
        Path file = dir.resolve("single.json");
        byte[] input = bytes("x".repeat(99) + "\n");
        for (int i = 0; i < 3; i++) {
            Processes.run(List.of(binary.toString(), "logtest", "--log", file.toString()), Map.of(), input,
                    Duration.ofSeconds(30)).requireSuccess();
        }
        assertEquals(3, entries(file).size(), "a restarted container's log continues");
        Processes.run(List.of(binary.toString(), "logtest", "--log", file.toString(), "--log-max-size", "300",
                "--log-max-files", "1"), Map.of(), bytes(new String(input).repeat(10)), Duration.ofSeconds(30))
                .requireSuccess();
        assertTrue(Files.size(file) <= 300);
        assertEquals(1, entries(file).size());
        assertFalse(Files.exists(dir.resolve("single.json.1")));
    }
}
