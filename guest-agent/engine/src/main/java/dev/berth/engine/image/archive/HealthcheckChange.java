package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.RuntimeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code HEALTHCHECK NONE} and {@code HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…]
 * [--start-interval=…] [--retries=…] CMD …}, with Go duration syntax ({@code 30s}, {@code 1m30s},
 * {@code 500ms}) as Docker parses it. Durations are stored in nanoseconds, as in Docker's JSON.
 */
final class HealthcheckChange {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final long MIN_DURATION = 1_000_000L; // Docker: at least 1ms when set

    private HealthcheckChange() {}

    static RuntimeConfig.Healthcheck parse(String args) {
        List<String> words = ShellWords.split(args);
        if (words.size() == 1 && words.getFirst().equalsIgnoreCase("NONE")) {
            return new RuntimeConfig.Healthcheck(List.of("NONE"), null, null, null, null, null);
        }
        Flags flags = new Flags();
        String rest = args.strip();
        while (rest.startsWith("--")) {
            String[] split = rest.split("\\s+", 2);
            flags.set(split[0]);
            rest = split.length > 1 ? split[1].strip() : "";
        }
        return new RuntimeConfig.Healthcheck(test(rest, args), flags.interval, flags.timeout, flags.startPeriod,
                flags.startInterval, flags.retries);
    }

    /** {@code CMD ["exe", ...]} → {@code ["CMD", "exe", ...]}; {@code CMD a b} → {@code ["CMD-SHELL", "a b"]}. */
    private static List<String> test(String rest, String args) {
        String[] cmd = rest.split("\\s+", 2);
        if (!cmd[0].equalsIgnoreCase("CMD") || cmd.length < 2 || cmd[1].isBlank()) {
            throw new InvalidArgumentException("invalid change: HEALTHCHECK must be NONE or [options] CMD <command>, "
                    + "not \"" + args + "\"");
        }
        List<String> exec = ChangeInstructions.jsonOrNull(cmd[1].strip());
        List<String> test = new ArrayList<>();
        if (exec != null) {
            test.add("CMD");
            test.addAll(exec);
        } else {
            test.add("CMD-SHELL");
            test.add(cmd[1].strip());
        }
        return test;
    }

    /** The {@code --name=value} options before CMD. */
    private static final class Flags {
        Long interval;
        Long timeout;
        Long startPeriod;
        Long startInterval;
        Integer retries;

        void set(String flag) {
            int eq = flag.indexOf('=');
            if (eq < 0) {
                throw new InvalidArgumentException("healthcheck flag " + flag + " needs a value (" + flag + "=...)");
            }
            String name = flag.substring(2, eq);
            String value = flag.substring(eq + 1);
            switch (name) {
                case "interval" -> interval = duration(value, name);
                case "timeout" -> timeout = duration(value, name);
                case "start-period" -> startPeriod = duration(value, name);
                case "start-interval" -> startInterval = duration(value, name);
                case "retries" -> retries = retries(value);
                default -> throw new InvalidArgumentException("unknown flag: --" + name + " for HEALTHCHECK");
            }
        }
    }

    private static Integer retries(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new InvalidArgumentException("--retries cannot be negative (" + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid --retries value " + value);
        }
    }

    /** A Go duration in nanoseconds; 0 means "use the default", other values must be at least 1ms. */
    static long duration(String text, String flag) {
        String s = text.toLowerCase(Locale.ROOT);
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = DURATION_PART.matcher(s);
        double nanos = 0;
        int end = 0;
        while (m.lookingAt()) {
            nanos += Double.parseDouble(m.group(1)) * unit(m.group(2));
            end = m.end();
            m.region(end, s.length());
        }
        if (end == 0 || end != s.length() || nanos > Long.MAX_VALUE) {
            throw new InvalidArgumentException("invalid duration for --" + flag + ": " + text);
        }
        long n = (long) nanos;
        if (n != 0 && n < MIN_DURATION) {
            throw new InvalidArgumentException("--" + flag + " cannot be less than 1ms");
        }
        return n;
    }

    private static double unit(String u) {
        return switch (u) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
    }
}
