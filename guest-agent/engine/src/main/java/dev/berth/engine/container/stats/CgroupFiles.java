package dev.berth.engine.container.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsing the small text files of cgroups: one number, {@code key value} lines, {@code max}. */
final class CgroupFiles {
    private CgroupFiles() {}

    /** A file's single number; {@code max} (no limit) is {@code Long.MAX_VALUE}; 0 when the file is absent. */
    static long number(Path file) throws IOException {
        String s = text(file).trim();
        if (s.isEmpty()) {
            return 0;
        }
        return s.equals("max") ? Long.MAX_VALUE : parse(s, file);
    }

    /** {@code key value} lines (cpu.stat, memory.stat, memory.events) in file order; empty when absent. */
    static Map<String, Long> keyed(Path file) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text(file).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                out.put(f[0], parse(f[1], file));
            }
        }
        return out;
    }

    /** Whitespace-separated numbers on one line (cpuacct.usage_percpu). */
    static List<Long> numbers(Path file) throws IOException {
        String s = text(file).trim();
        if (s.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(s.split("\\s+")).map(n -> parse(n, file)).toList();
    }

    /** A file's text, or "" when it does not exist (a controller this kernel lacks). */
    static String text(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException absent) {
            return "";
        }
    }

    private static long parse(String s, Path file) {
        try {
            // counters are unsigned 64-bit in the kernel; one above Long.MAX_VALUE would be a broken file
            return Long.parseUnsignedLong(s) < 0 ? Long.MAX_VALUE : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("cgroup file " + file + " holds a non-number: " + s, e);
        }
    }
}
