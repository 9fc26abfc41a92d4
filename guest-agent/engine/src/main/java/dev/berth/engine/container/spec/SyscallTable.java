package dev.berth.engine.container.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system call table of one architecture's native ABI, name to number, from the checked-in resource
 * {@code syscalls-<arch>.txt} (its header says how it was generated from the kernel headers).
 */
final class SyscallTable {
    private static final Map<String, SyscallTable> CACHE = new ConcurrentHashMap<>();

    private final String arch;
    private final Map<String, Integer> numbers;

    private SyscallTable(String arch, Map<String, Integer> numbers) {
        this.arch = arch;
        this.numbers = Collections.unmodifiableMap(numbers);
    }

    /**
     * The table of a Go architecture name ({@code amd64}, {@code arm64}).
     *
     * @throws IllegalArgumentException for an architecture without a table: refusing is safer than a
     *                                  profile that would allow nothing or the wrong names
     */
    static SyscallTable of(String arch) {
        return CACHE.computeIfAbsent(arch, SyscallTable::load);
    }

    String arch() {
        return arch;
    }

    /** Names in table order (by number). */
    Map<String, Integer> numbers() {
        return numbers;
    }

    boolean contains(String name) {
        return numbers.containsKey(name);
    }

    private static SyscallTable load(String arch) {
        String resource = "syscalls-" + arch + ".txt";
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no system call table for architecture " + arch);
            }
            return new SyscallTable(arch, parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    static Map<String, Integer> parse(String text) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length != 2 || numbers.put(fields[0], Integer.parseInt(fields[1])) != null) {
                throw new IllegalStateException("malformed system call table line: " + line);
            }
        }
        return numbers;
    }
}
