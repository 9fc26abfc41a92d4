package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.api.client.EngineResponse;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the container lifecycle ITs share: polling with a deadline (never a fixed sleep where a condition can
 * be watched), inspect and events through the docker CLI, background docker commands (logs -f, attach), and
 * the check that nothing of a container outlives its removal.
 */
final class ContainerChecks {
    /** A long-running container that ends promptly (exit 0) on the stop signal, as a well-behaved service. */
    static final List<String> SERVICE = List.of("sh", "-c", "trap 'exit 0' TERM; while true; do usleep 100000; done");

    private ContainerChecks() {}

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls every 50 ms until {@code c} holds; fails with {@code what} and the last state at the deadline. */
    static void await(String what, Duration timeout, Condition c) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    static String inspect(DockerCli d, String id, String format) throws Exception {
        return d.ok("inspect", "--format", format, id).trim();
    }

    /** {@code docker run -d}: the new container's ID. */
    static String runDetached(DockerCli d, List<String> options, String image, List<String> cmd) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(options);
        args.add(image);
        args.addAll(cmd);
        return d.run(args).requireSuccess().stdout().trim();
    }

    /** One container event as {@code docker events} prints it. */
    record Ev(long timeNano, String action, String exitCode) {
        long millisAfter(Ev earlier) {
            return (timeNano - earlier.timeNano) / 1_000_000;
        }
    }

    /** The container's events from {@code since} until now, oldest first. */
    static List<Ev> events(DockerCli d, String id, Instant since) throws Exception {
        String out = d.ok("events", "--since", unixTime(since), "--until", unixTime(Instant.now()),
                "--filter", "container=" + id,
                "--format", "{{.TimeNano}}|{{.Action}}|{{index .Actor.Attributes \"exitCode\"}}");
        List<Ev> events = new ArrayList<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\\|", -1);
            events.add(new Ev(Long.parseLong(f[0]), f[1], f[2]));
        }
        return events;
    }

    static List<Ev> only(List<Ev> events, String action) {
        return events.stream().filter(e -> e.action().equals(action)).toList();
    }

    /** The CLI's {@code --since}/{@code --until} form: seconds.nanoseconds since the epoch. */
    static String unixTime(Instant t) {
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    /** A docker command left running (logs -f, attach), its output going to {@code out}. */
    static Process background(EngineProcess engine, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(Map.of("DOCKER_HOST", engine.dockerHost()));
        return pb.start();
    }

    /** The lines of a file being written by a background command (a partial last line is left out). */
    static List<String> lines(Path f) throws IOException {
        String s = Files.readString(f);
        int end = s.lastIndexOf('\n');
        return end < 0 ? List.of() : s.substring(0, end).lines().toList();
    }

    /** Asserts the lines are 1, 2, 3, … with no gap or repeat: the counter container's output. */
    static void assertCounts(List<String> lines, String what) {
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(Integer.toString(i + 1))) {
                fail(what + ": line " + (i + 1) + " is \"" + lines.get(i) + "\"; around it: "
                        + lines.subList(Math.max(0, i - 3), Math.min(lines.size(), i + 3)));
            }
        }
    }

    static long lastNumber(List<String> lines) {
        return lines.isEmpty() ? 0 : Long.parseLong(lines.get(lines.size() - 1));
    }

    /** Removes every container of the engine (as {@code docker rm -f $(docker ps -aq)}). */
    static void removeAll(DockerCli d) throws Exception {
        List<String> ids = d.ok("ps", "-aq").lines().filter(l -> !l.isBlank()).toList();
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f"));
            args.addAll(ids);
            d.run(args).requireSuccess();
        }
    }

    /**
     * Nothing of a removed container stays behind: no monitor process of this engine, no runtime container,
     * no mount under its root. Monitors exit a moment after their container, hence the short poll.
     */
    static void assertNothingLeft(EngineProcess engine) throws Exception {
        String root = engine.root().toString();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        do {
            left = leftovers(root);
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertEquals(List.of(), left, "left behind after removing every container");
    }

    private static List<String> leftovers(String root) throws IOException {
        List<String> left = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                .filter(cmd -> cmd.contains(root + "/bin/berth-monitor")).ifPresent(cmd -> left.add("process " + cmd)));
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains(" " + root + "/")) {
                left.add("mount " + line);
            }
        }
        Path runc = Path.of(root, "runtimes", "runc");
        if (Files.isDirectory(runc)) {
            try (var dirs = Files.list(runc)) {
                dirs.filter(Files::isDirectory).forEach(dir -> left.add("runtime state " + dir));
            }
        }
        return left;
    }

    /** An API answer: the status and, for an error, Docker's message. */
    record Answer(int status, String message) {}

    /**
     * {@code POST /containers/create} as raw JSON, for what the CLI refuses before asking (API 1.41, which both
     * Berth and the reference dockerd 20.10 speak).
     */
    static Answer create(String dockerHost, String json) throws IOException {
        EngineClient client = new EngineClient(DockerHost.parse(dockerHost));
        try (EngineResponse r = client.send("POST", "/v1.41/containers/create", "application/json",
                json.getBytes(StandardCharsets.UTF_8))) {
            String body = new String(r.bytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(body);
            return new Answer(r.status(), r.status() >= 400 && m.find() ? m.group(1) : body.trim());
        }
    }

    /** The container's init process, as the host sees it. */
    static ProcessHandle process(DockerCli d, String id) throws Exception {
        long pid = Long.parseLong(inspect(d, id, "{{.State.Pid}}"));
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid + " for " + id));
    }
}
