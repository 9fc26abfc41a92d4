package dev.berth.engine.container;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import java.util.Locale;

/** Signal names and numbers as Docker accepts them: {@code TERM}, {@code SIGTERM}, {@code 15}, {@code RTMIN+3}. */
public final class Signals {
    /** Linux numbering, shared by x86-64 and arm64 for 1–31. */
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    public static final int KILL = 9;
    public static final int TERM = 15;
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private Signals() {}

    public static int parse(String s) {
        if (s == null || s.isBlank()) {
            throw new InvalidArgumentException("invalid signal: empty");
        }
        String v = s.trim().toUpperCase(Locale.ROOT);
        if (v.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= RTMAX) {
                return n;
            }
            throw new InvalidArgumentException("invalid signal: " + s);
        }
        if (v.startsWith("SIG")) {
            v = v.substring(3);
        }
        int i = NAMES.indexOf(v);
        if (i > 0) {
            return i;
        }
        if (v.equals("IOT")) {
            return 6;
        }
        if (v.equals("POLL")) {
            return 29;
        }
        if (v.startsWith("RTMIN")) {
            int n = RTMIN + offset(v.substring(5), s);
            if (n <= RTMAX) {
                return n;
            }
        }
        if (v.startsWith("RTMAX")) {
            int n = RTMAX + offset(v.substring(5), s);
            if (n >= RTMIN) {
                return n;
            }
        }
        throw new InvalidArgumentException("invalid signal: " + s);
    }

    private static int offset(String rest, String original) {
        if (rest.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(rest.startsWith("+") ? rest.substring(1) : rest);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid signal: " + original);
        }
    }

    public static String name(int n) {
        return n > 0 && n < NAMES.size() ? "SIG" + NAMES.get(n) : Integer.toString(n);
    }
}
