package dev.berth.engine.container.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Linux CPU and memory-node lists ({@code 0-3,8}) and the ones this host offers, for Docker's cpuset checks
 * (moby pkg/parsers ParseUintList, sysinfo IsCpusetCpusAvailable): a container asking for CPUs the host lacks
 * is refused at create, not left to fail in runc at start.
 */
public final class CpuSets {
    /** Linux's usual ceiling on CPU numbers; a host with more CPUs raises it (as Docker's check does). */
    static final int MAX_CPUS = 8192;
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private CpuSets() {}

    /**
     * The members of a list. Bounded by {@code maximum} before anything is allocated, so "0-2000000000" is an
     * error rather than a huge bit set.
     *
     * @throws IllegalArgumentException with Docker's text: "invalid format: ..." or "value of out range, ..."
     */
    public static BitSet parse(String list, int maximum) {
        BitSet out = new BitSet();
        if (list == null || list.isEmpty()) {
            return out;
        }
        for (String part : list.split(",", -1)) {
            int dash = part.indexOf('-');
            long first = number(dash < 0 ? part : part.substring(0, dash), list);
            long last = dash < 0 ? first : number(part.substring(dash + 1), list);
            if (last < first) {
                throw new IllegalArgumentException("invalid format: " + list);
            }
            if (last > maximum) {
                // Docker's words, typo included
                throw new IllegalArgumentException("value of out range, maximum is " + maximum);
            }
            out.set((int) first, (int) last + 1);
        }
        return out;
    }

    /**
     * Docker's isCpusetListAvailable: every member of {@code requested} is in {@code available} (true when
     * {@code available} is unknown, i.e. empty).
     *
     * @throws IllegalArgumentException when {@code requested} is malformed
     */
    public static boolean subset(String requested, String available) {
        if (available == null || available.isEmpty()) {
            parse(requested, MAX_CPUS); // nothing known to compare with: only the format is checked
            return true;
        }
        BitSet offered = parse(available, Integer.MAX_VALUE - 1);
        BitSet wanted = parse(requested, Math.max(MAX_CPUS, offered.length() - 1));
        wanted.andNot(offered);
        return wanted.isEmpty();
    }

    /** The CPUs containers may use here, as the cgroup root lists them; empty if unknown. */
    public static String availableCpus() {
        return available(ROOT, "cpus");
    }

    /** The memory nodes containers may use here; empty if unknown. */
    public static String availableMems() {
        return available(ROOT, "mems");
    }

    /** {@code cpuset.<kind>} of the v1 cpuset hierarchy's root, or the v2 root's {@code cpuset.<kind>.effective}. */
    static String available(Path root, String kind) {
        Path file = Files.exists(root.resolve("cgroup.controllers"))
                ? root.resolve("cpuset." + kind + ".effective")
                : root.resolve("cpuset").resolve("cpuset." + kind);
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4096), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** A decimal number; past 18 digits it is out of range of any maximum anyway. */
    private static long number(String s, String list) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid format: " + list);
        }
        return s.length() > 18 ? Long.MAX_VALUE : Long.parseLong(s);
    }
}
