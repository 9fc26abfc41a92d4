package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.Json;
import dev.berth.oci.RuntimeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * Applies {@code docker import --change} / {@code docker commit --change} instructions to an image's runtime
 * config. The instructions accepted are moby's {@code validCommitCommands}; anything else (RUN, COPY, FROM,
 * ...) is refused with moby's message, because it would need a build.
 */
public final class ChangeInstructions {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/(tcp|udp|sctp))?");
    private static final Pattern SIGNAL = Pattern.compile("(?i)(?:SIG)?[A-Z][A-Z0-9]*(?:[+-]\\d+)?|\\d{1,2}");
    private static final int MAX_PORT_RANGE = 65536;

    private final RuntimeConfigBuilder b;
    private boolean cmdSet;

    private ChangeInstructions(RuntimeConfig base) {
        this.b = new RuntimeConfigBuilder(base);
    }

    /** {@code base} with every change applied in order. */
    public static RuntimeConfig apply(RuntimeConfig base, List<String> changes) {
        ChangeInstructions c = new ChangeInstructions(base);
        for (String change : changes == null ? List.<String>of() : changes) {
            c.applyOne(change == null ? "" : change.strip());
        }
        return c.b.build();
    }

    private void applyOne(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return;
        }
        String[] parts = line.split("\\s+", 2);
        String instruction = parts[0].toLowerCase(Locale.ROOT);
        String args = parts.length > 1 ? parts[1].strip() : "";
        if (args.isEmpty()) {
            throw new InvalidArgumentException("invalid change \"" + line + "\": " + instruction.toUpperCase(Locale.ROOT)
                    + " requires at least one argument");
        }
        Map<String, String> env = b.envMap();
        switch (instruction) {
            case "cmd" -> {
                b.cmd = command(args);
                cmdSet = true;
            }
            case "entrypoint" -> {
                b.entrypoint = command(args);
                if (!cmdSet) {
                    b.cmd = null; // as in a Dockerfile: a new ENTRYPOINT drops the inherited CMD
                }
            }
            case "env" -> pairs(args, "ENV", env).forEach(kv -> b.setEnv(kv[0], kv[1]));
            case "label" -> pairs(args, "LABEL", env).forEach(kv -> b.labels.put(kv[0], kv[1]));
            case "expose" -> ShellWords.words(args, env).forEach(this::expose);
            case "volume" -> volumes(args, env).forEach(this::volume);
            case "user" -> b.user = single(args, "USER", env);
            case "workdir" -> b.workingDir = workdir(single(args, "WORKDIR", env));
            case "stopsignal" -> b.stopSignal = signal(single(args, "STOPSIGNAL", env));
            case "healthcheck" -> b.healthcheck = HealthcheckChange.parse(args);
            case "onbuild" -> b.onBuild.add(onbuild(args));
            default -> throw new InvalidArgumentException(instruction + " is not a valid change command");
        }
    }

    /** JSON (exec) form if the arguments are a JSON string array, else shell form through the image's shell. */
    static List<String> jsonOrNull(String args) {
        if (!args.startsWith("[")) {
            return null;
        }
        try {
            return Json.mapper().readValue(args, STRINGS);
        } catch (JacksonException notJson) {
            return null; // Docker runs malformed JSON through the shell too
        }
    }

    private List<String> command(String args) {
        List<String> exec = jsonOrNull(args);
        if (exec != null) {
            return exec;
        }
        List<String> shell = new ArrayList<>(b.shellPrefix());
        shell.add(args);
        return shell;
    }

    /** {@code k=v k2="v 2"}, or the legacy {@code ENV k the rest} form. */
    private static List<String[]> pairs(String args, String what, Map<String, String> env) {
        List<String> raw = ShellWords.split(args);
        List<String[]> out = new ArrayList<>();
        if (!raw.getFirst().contains("=")) {
            String key = ShellWords.process(raw.getFirst(), env);
            String rest = args.substring(args.indexOf(raw.getFirst()) + raw.getFirst().length()).strip();
            if (rest.isEmpty()) {
                throw new InvalidArgumentException("invalid change: " + what + " " + key + " must have two arguments");
            }
            out.add(new String[] {key, ShellWords.process(rest, env)});
            return out;
        }
        for (String word : raw) {
            String kv = ShellWords.process(word, env);
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new InvalidArgumentException("syntax error - can't find = in \"" + word
                        + "\". Must be of the form: name=value");
            }
            if (eq == 0) {
                throw new InvalidArgumentException("invalid change: " + what + " names can not be blank");
            }
            out.add(new String[] {kv.substring(0, eq), kv.substring(eq + 1)});
        }
        return out;
    }

    private void expose(String spec) {
        var m = PORT.matcher(spec.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidArgumentException("invalid port specification in EXPOSE: \"" + spec + "\"");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        String proto = m.group(3) == null ? "tcp" : m.group(3);
        if (first > 65535 || last > 65535 || last < first || last - first >= MAX_PORT_RANGE) {
            throw new InvalidArgumentException("invalid port range in EXPOSE: \"" + spec + "\"");
        }
        for (int p = first; p <= last; p++) {
            b.exposedPorts.put(p + "/" + proto, Map.of());
        }
    }

    private static List<String> volumes(String args, Map<String, String> env) {
        List<String> json = jsonOrNull(args);
        return json != null ? json : ShellWords.words(args, env);
    }

    /** Volume paths are later joined to the container root: {@code ..} in one is refused (CVE-2022-23648). */
    private void volume(String path) {
        String v = path.strip();
        if (v.isEmpty()) {
            throw new InvalidArgumentException("invalid change: a VOLUME path can not be an empty string");
        }
        for (String part : v.split("/")) {
            if (part.equals("..")) {
                throw new InvalidArgumentException("invalid change: VOLUME " + v + " must not contain ..");
            }
        }
        b.volumes.put(v, Map.of());
    }

    private static String single(String args, String what, Map<String, String> env) {
        String value = ShellWords.process(args, env).strip();
        if (value.isEmpty()) {
            throw new InvalidArgumentException("invalid change: " + what + " requires exactly one argument");
        }
        return value;
    }

    /** A relative WORKDIR continues from the current one; the result is a clean absolute path. */
    private String workdir(String dir) {
        String joined = dir.startsWith("/") ? dir : (b.workingDir == null ? "/" : b.workingDir) + "/" + dir;
        List<String> parts = new ArrayList<>();
        for (String p : joined.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else {
                parts.add(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String signal(String s) {
        if (!SIGNAL.matcher(s).matches()) {
            throw new InvalidArgumentException("invalid signal: " + s);
        }
        return s;
    }

    private static String onbuild(String args) {
        String[] parts = args.split("\\s+", 2);
        String instruction = parts[0].toUpperCase(Locale.ROOT);
        if (instruction.equals("ONBUILD")) {
            throw new InvalidArgumentException("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        }
        if (instruction.equals("FROM") || instruction.equals("MAINTAINER")) {
            throw new InvalidArgumentException("invalid change: " + instruction + " isn't allowed as an ONBUILD trigger");
        }
        return parts.length > 1 ? instruction + " " + parts[1] : instruction;
    }
}
