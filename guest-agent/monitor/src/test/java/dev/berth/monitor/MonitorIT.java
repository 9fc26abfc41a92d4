package dev.berth.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.monitor.ControlClient.Frame;
import dev.berth.testkit.Processes;
import dev.berth.testkit.Requirements;
import dev.berth.testkit.TempDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * berth-monitor against real runc containers (busybox root filesystem): logging, attach, stdin, TTY,
 * rotation, survival without clients and without its launcher, exec, and a hostile control socket.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MonitorIT {
    static final Path RUNC = Path.of("/usr/sbin/runc");
    static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    static Path base;
    static Path binary;
    static Path rootfs;
    static Path runtimeRoot;

    final List<String> containers = new ArrayList<>();
    final List<Long> monitors = new ArrayList<>();

    /** A created container: its state dir, control socket, log file and monitor pid. */
    record Ctr(String id, Path state, Path sock, Path log, long monitorPid) {}

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.requireRoot();
        assumeTrue(Files.isExecutable(RUNC), "needs runc at " + RUNC);
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs a static /bin/busybox for the test rootfs");
        base = Files.createTempDirectory(Path.of("/var/tmp"), "bm-it");
        // -Dberth.monitor.test.binary=PATH runs the tests against another build (e.g. with sanitizers).
        String override = System.getProperty("berth.monitor.test.binary", "");
        binary = override.isEmpty() ? MonitorBinary.install(base.resolve("bin")) : Path.of(override);
        rootfs = OciBundle.rootfs(base.resolve("rootfs"));
        runtimeRoot = base.resolve("runc");
        Files.createDirectories(base.resolve("state"));
        Files.createDirectories(base.resolve("logs"));
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (base != null) {
            TempDirs.deleteRecursively(base);
        }
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies) {
                try {
                    Files.deleteIfExists(h.resolve("berth-monitor-test")); // rmdir: empty once runc deleted ours
                } catch (IOException ignored) {
                    // another run may still be using it
                }
            }
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String id : containers) {
            Processes.run(List.of(RUNC.toString(), "--root", runtimeRoot.toString(), "delete", "-f", id),
                    Duration.ofSeconds(30));
        }
        List<Long> leftover = new ArrayList<>();
        for (long pid : monitors) {
            if (!waitGone(pid, Duration.ofSeconds(10))) {
                leftover.add(pid);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        assertTrue(leftover.isEmpty(), "monitors still running after their containers were deleted: " + leftover);
        assertTrue(zombieChildren(ProcessHandle.current().pid()).isEmpty(), "zombie children of the test JVM");
    }

    // --- tests ------------------------------------------------------------------------------------

    @Test
    void logsStdoutAndStderrAndTheExitCode() throws Exception {
        Ctr c = create(false, List.of("sh", "-c", "echo out; echo err >&2; printf 'tab\\t\"q\" <&>\\n'; exit 3"));
        assertTrue(ControlClient.command(c.sock(), "STATUS").matches("CREATED \\d+"));
        ControlClient waiter = waiter(c);
        assertEquals("OK", ControlClient.command(c.sock(), "START"));
        assertEquals("EXITED 3", waiter.readLine());
        waiter.close();

        JsonNode exit = json(c.state().resolve("exit.json"));
        assertEquals(3, exit.get("exitCode").asInt());
        assertTrue(exit.get("signal").isNull());
        assertTrue(TIME.matcher(exit.get("finishedAt").stringValue()).matches(), exit.toString());

        List<String> raw = Files.readAllLines(c.log());
        List<JsonNode> log = raw.stream().map(OciBundle.JSON::readTree).toList();
        assertEquals(List.of("out\n", "tab\t\"q\" <&>\n"), texts(log, "stdout"));
        assertEquals(List.of("err\n"), texts(log, "stderr"));
        assertTrue(raw.stream().anyMatch(l -> l.startsWith(
                "{\"log\":\"tab\\u0009\\\"q\\\" \\u003c\\u0026\\u003e\\n\",\"stream\":\"stdout\",\"time\":\"")),
                raw.toString());
        for (JsonNode e : log) {
            assertTrue(TIME.matcher(e.get("time").stringValue()).matches(), e.toString());
            assertFalse(Instant.parse(e.get("time").stringValue())
                    .isAfter(Instant.parse(exit.get("finishedAt").stringValue()).plusSeconds(1)));
        }
        assertTrue(waitGone(c.monitorPid(), Duration.ofSeconds(10)), "the monitor exits after its container");
        assertFalse(Files.exists(c.sock()), "the control socket is removed");
    }

    @Test
    void deathBySignalIs128PlusTheSignal() throws Exception {
        Ctr c = create(false, List.of("sleep", "60"));
        assertEquals("OK", ControlClient.command(c.sock(), "START"));
        String pid = Files.readString(c.state().resolve("container.pid")).strip();
        assertEquals("RUNNING " + pid, ControlClient.command(c.sock(), "STATUS"));
        ControlClient waiter = waiter(c);
        runc("kill", c.id(), "KILL");
        assertEquals("EXITED 137", waiter.readLine());
        waiter.close();
        JsonNode exit = json(c.state().resolve("exit.json"));
        assertEquals(137, exit.get("exitCode").asInt());
        assertEquals(9, exit.get("signal").asInt());
    }

    @Test
    void nothingIsLostBeforeStartAndLateClientsGetFutureOutput() throws Exception {
        Ctr c = create(false, List.of("sh", "-c", "echo hi; read x; echo late-$x; echo late-err >&2"), "--stdin");
        ControlClient waiter = waiter(c);
        try (ControlClient first = ControlClient.connect(c.sock())) {
            assertEquals("OK", first.request("ATTACH stdin,stdout,stderr"));
            assertEquals("OK", ControlClient.command(c.sock(), "START"));
            Frame hi = first.readFrame();
            assertEquals(1, hi.stream());
            assertEquals("hi\n", hi.text());
            try (ControlClient late = ControlClient.connect(c.sock())) {
                assertEquals("OK", late.request("ATTACH stdout,stderr"));
                first.send("go");
                List<Frame> lateFrames = late.readFramesToEof();
                assertEquals("late-go\n", ControlClient.text(lateFrames, 1));
                assertEquals("late-err\n", ControlClient.text(lateFrames, 2));
                List<Frame> rest = first.readFramesToEof();
                assertEquals("late-go\n", ControlClient.text(rest, 1));
                assertEquals("late-err\n", ControlClient.text(rest, 2));
            }
        }
        assertExit(c, waiter, 0);
    }

    @Test
    void stdinReachesTheContainerAndStdinOnceEndsIt() throws Exception {
        Ctr c = create(false, List.of("cat"), "--stdin", "--stdin-once");
        ControlClient waiter = waiter(c);
        try (ControlClient a = ControlClient.connect(c.sock())) {
            assertEquals("OK", a.request("ATTACH stdin,stdout,stderr"));
            assertEquals("OK", ControlClient.command(c.sock(), "START"));
            a.sendRaw("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
            a.shutdownOutput();
            assertEquals("hello\nworld\n", ControlClient.text(a.readFramesToEof(), 1));
        }
        assertExit(c, waiter, 0);
    }

    @Test
    void closeStdinEndsCatWithoutStdinOnce() throws Exception {
        Ctr c = create(false, List.of("cat"), "--stdin");
        ControlClient waiter = waiter(c);
        try (ControlClient a = ControlClient.connect(c.sock())) {
            assertEquals("OK", a.request("ATTACH stdin,stdout"));
            assertEquals("OK", ControlClient.command(c.sock(), "START"));
            a.send("one");
            assertEquals("one\n", a.readFrame().text());
            a.shutdownOutput(); // without --stdin-once the container's stdin stays open
            Thread.sleep(300);
            assertTrue(ControlClient.command(c.sock(), "STATUS").startsWith("RUNNING "));
            assertEquals("OK", ControlClient.command(c.sock(), "CLOSE-STDIN"));
            assertEquals(List.of(), a.readFramesToEof());
        }
        assertExit(c, waiter, 0);
    }

    @Test
    void ttyIsResizedAndIsOneStream() throws Exception {
        Ctr c = create(true, List.of("sh", "-c", "stty size; echo to-stderr >&2"));
        List<Frame> frames;
        ControlClient waiter = waiter(c);
        try (ControlClient a = ControlClient.connect(c.sock())) {
            assertEquals("OK", a.request("ATTACH stdout,stderr"));
            assertEquals("OK", ControlClient.command(c.sock(), "RESIZE 30 100"));
            assertEquals("OK", ControlClient.command(c.sock(), "START"));
            frames = a.readFramesToEof();
        }
        assertTrue(frames.stream().allMatch(f -> f.stream() == 1), "a TTY is a single stream");
        String text = ControlClient.text(frames, 1);
        assertTrue(text.contains("30 100\r\n"), text);
        assertTrue(text.contains("to-stderr"), text);
        assertExit(c, waiter, 0);
        List<JsonNode> log = Files.readAllLines(c.log()).stream().map(OciBundle.JSON::readTree).toList();
        assertTrue(texts(log, "stderr").isEmpty());
        assertTrue(String.join("", texts(log, "stdout")).contains("30 100\r\n"));
    }

    @Test
    void logRotationKeepsAtMostMaxFilesAndEveryLineOnce() throws Exception {
        String script = "i=1; while [ $i -le 3000 ]; do echo line-$i; i=$((i+1)); done";
        Ctr small = create(false, List.of("sh", "-c", script), "--log-max-size", "8192", "--log-max-files", "4");
        Ctr large = create(false, List.of("sh", "-c", script), "--log-max-size", "16384", "--log-max-files", "100");
        for (Ctr c : List.of(small, large)) {
            ControlClient waiter = waiter(c);
            assertEquals("OK", ControlClient.command(c.sock(), "START"));
            assertExit(c, waiter, 0);
        }
        assertFalse(Files.exists(Path.of(small.log() + ".4")), "no more than --log-max-files files");
        List<Integer> kept = rotatedLineNumbers(small.log(), 4, 8192);
        assertEquals(3000, kept.getLast());
        for (int i = 1; i < kept.size(); i++) {
            assertEquals(kept.get(i - 1) + 1, kept.get(i), "kept lines are contiguous and in order");
        }
        List<Integer> all = rotatedLineNumbers(large.log(), 100, 16384);
        assertEquals(3000, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i), "every line exactly once, in order");
        }
        assertTrue(Files.exists(Path.of(large.log() + ".2")), "the large log did rotate");
    }

    @Test
    void survivesItsLauncherAndSlowOrVanishingClients() throws Exception {
        String line = "y".repeat(99);
        String id = newId();
        Path bundle = base.resolve("bundles").resolve(id);
        OciBundle.writeConfig(bundle, rootfs, id, false, List.of("sh", "-c", "yes " + line + " | head -c 50000000"));
        Path state = base.resolve("state").resolve(id);
        Path log = base.resolve("logs").resolve(id + ".json");
        containers.add(id);
        // A launcher that outlives the monitor's start-up, so it can be killed while the monitor runs.
        List<String> cmd = new ArrayList<>(createCommand(id, bundle, state, log));
        Process launcher = new ProcessBuilder("/bin/sh", "-c", String.join(" ", cmd) + " && exec sleep 600")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path sock = state.resolve("monitor.sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(state.resolve("container.pid")) || !Files.exists(sock)) {
            assertTrue(System.nanoTime() < deadline, "monitor did not start");
            Thread.sleep(20);
        }
        assertTrue(ControlClient.command(sock, "STATUS").startsWith("CREATED "));
        long monitorPid = Long.parseLong(Files.readString(state.resolve("monitor.pid")).strip());
        monitors.add(monitorPid);
        long parent = ProcessHandle.of(monitorPid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        assertNotEquals(ProcessHandle.current().pid(), parent, "the monitor is not the test JVM's child");
        assertNotEquals(launcher.pid(), parent, "the monitor is not its launcher's child");
        assertEquals(monitorPid, statField(monitorPid, 6), "the monitor leads its own session");

        launcher.destroyForcibly().waitFor();
        assertTrue(running(monitorPid), "the monitor survives its launcher");
        assertTrue(ControlClient.command(sock, "STATUS").startsWith("CREATED "));

        long started = System.nanoTime();
        try (ControlClient stuck = ControlClient.connect(sock); ControlClient vanishing = ControlClient.connect(sock);
                ControlClient waiter = ControlClient.connect(sock)) {
            waiter.send("WAIT");
            assertEquals("OK", stuck.request("ATTACH stdout,stderr")); // never reads while the container runs
            assertEquals("OK", vanishing.request("ATTACH stdout,stderr"));
            assertEquals("OK", ControlClient.command(sock, "START"));
            vanishing.readFrame();
            vanishing.close(); // as if its process were killed: the kernel closes the socket
            assertEquals("EXITED 0", waiter.readLine());
            long got = stuck.drainToEof();
            assertTrue(got < 50_000_000L, "the stuck client was dropped, not waited for (got " + got + " bytes)");
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(seconds < 60, "50 MB with no reader took " + seconds + " s");

        long entries = 0, bytes = 0;
        try (BufferedReader r = Files.newBufferedReader(log)) {
            for (String l; (l = r.readLine()) != null;) {
                JsonNode e = OciBundle.JSON.readTree(l);
                assertEquals(line + "\n", e.get("log").stringValue());
                assertEquals("stdout", e.get("stream").stringValue());
                entries++;
                bytes += line.length() + 1;
            }
        }
        assertEquals(500_000, entries);
        assertEquals(50_000_000L, bytes, "all output is in the log");
    }

    @Test
    void execRunsInARunningContainer() throws Exception {
        Ctr c = create(false, List.of("sleep", "60"));
        assertEquals("OK", ControlClient.command(c.sock(), "START"));

        Processes.Result r = exec(c, "e1", false, List.of("sh", "-c", "echo from-exec; echo exec-err >&2; exit 5"));
        assertEquals(0, r.exitCode(), r.stderr());
        Path sock = c.state().resolve("exec-e1.sock");
        long execMonitor = Long.parseLong(Files.readString(c.state().resolve("exec-e1.monitor.pid")).strip());
        monitors.add(execMonitor);
        try (ControlClient wait = ControlClient.connect(sock); ControlClient a = ControlClient.connect(sock)) {
            wait.send("WAIT");
            // The process has likely finished already: its output was kept for the first attach client.
            assertEquals("OK", a.request("ATTACH stdout,stderr"));
            List<Frame> frames = a.readFramesToEof();
            assertEquals("from-exec\n", ControlClient.text(frames, 1));
            assertEquals("exec-err\n", ControlClient.text(frames, 2));
            assertEquals("EXITED 5", wait.readLine());
        }
        assertEquals(5, json(c.state().resolve("exec-e1.exit.json")).get("exitCode").asInt());
        assertTrue(waitGone(execMonitor, Duration.ofSeconds(10)), "the exec monitor exits");
        assertTrue(zombieChildren(c.monitorPid()).isEmpty(), "no zombies under the container's monitor");

        Processes.Result tty = exec(c, "e2", true, List.of("sh", "-c", "read x; stty size"), "--stdin");
        assertEquals(0, tty.exitCode(), tty.stderr());
        monitors.add(Long.parseLong(Files.readString(c.state().resolve("exec-e2.monitor.pid")).strip()));
        Path sock2 = c.state().resolve("exec-e2.sock");
        try (ControlClient a = ControlClient.connect(sock2)) {
            assertEquals("OK", a.request("ATTACH stdin,stdout,stderr"));
            assertEquals("OK", ControlClient.command(sock2, "RESIZE 40 120"));
            a.send("go");
            String text = ControlClient.text(a.readFramesToEof(), 1);
            assertTrue(text.contains("40 120\r\n"), text);
        }
        assertEquals(0, json(c.state().resolve("exec-e2.exit.json")).get("exitCode").asInt());

        Processes.Result missing = exec(c, "e3", false, List.of("nosuch"));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("exec: \"nosuch\": executable file not found in $PATH"), missing.stderr());
        assertFalse(Files.exists(c.state().resolve("exec-e3.sock")));

        assertTrue(ControlClient.command(c.sock(), "STATUS").startsWith("RUNNING "), "the container is unaffected");
        ControlClient waiter = waiter(c);
        runc("kill", c.id(), "KILL");
        assertExit(c, waiter, 137);
    }

    @Test
    void garbageOnTheControlSocketIsHarmless() throws Exception {
        Ctr c = create(false, List.of("sleep", "60"));
        try (ControlClient x = ControlClient.connect(c.sock())) {
            assertEquals("ERR unknown command", x.request("HELLO"));
            assertNull(x.readLine(), "closed after an unknown command");
        }
        try (ControlClient x = ControlClient.connect(c.sock())) {
            byte[] junk = new byte[1000];
            Arrays.fill(junk, (byte) 'x');
            x.sendRaw(junk);
            assertEquals("ERR command too long", x.readLine());
            assertClosed(x); // a reset is fine too: the monitor did not read all the junk
        }
        try (ControlClient x = ControlClient.connect(c.sock())) {
            x.sendRaw("STA\0TUS\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("ERR unknown command", x.readLine());
        }
        try (ControlClient x = ControlClient.connect(c.sock())) {
            assertEquals("ERR unknown stream", x.request("ATTACH stdout,bogus"));
        }
        try (ControlClient x = ControlClient.connect(c.sock())) {
            assertEquals("ERR not a tty", x.request("RESIZE 10 20"));
            assertTrue(x.request("RESIZE ten").startsWith("ERR usage"));
            assertTrue(x.request("STATUS").startsWith("CREATED "), "several commands on one connection");
        }
        for (int i = 0; i < 50; i++) {
            ControlClient.connect(c.sock()).close();
        }
        try (ControlClient x = ControlClient.connect(c.sock())) {
            assertEquals("OK", x.request("ATTACH stdout"));
            byte[] noise = new byte[100_000];
            new java.util.Random(1).nextBytes(noise);
            x.sendRaw(noise); // not stdin (not requested, and the container has none): discarded
        }
        assertTrue(ControlClient.command(c.sock(), "STATUS").startsWith("CREATED "));
        assertEquals("OK", ControlClient.command(c.sock(), "START"));
        assertEquals("OK", ControlClient.command(c.sock(), "START"), "START is idempotent");
        assertTrue(ControlClient.command(c.sock(), "STATUS").startsWith("RUNNING "));
        ControlClient waiter = waiter(c);
        runc("kill", c.id(), "KILL");
        assertExit(c, waiter, 137);
    }

    @Test
    void aSecondMonitorForTheSameStateIsRefused() throws Exception {
        Ctr c = create(false, List.of("sleep", "60"));
        String id = newId();
        Processes.Result r = Processes.run(createCommand(id, base.resolve("bundles").resolve(c.id()), c.state(),
                base.resolve("logs").resolve(id)), Duration.ofSeconds(60));
        assertEquals(3, r.exitCode());
        assertTrue(r.stderr().contains("another monitor is already listening"), r.stderr());
        assertEquals(String.valueOf(c.monitorPid()), Files.readString(c.state().resolve("monitor.pid")).strip());
        assertTrue(ControlClient.command(c.sock(), "STATUS").startsWith("CREATED "));
    }

    @Test
    void aFailedCreateReportsTheRuntimeErrorAndLeavesNothing() throws Exception {
        String id = newId();
        Path bundle = base.resolve("bundles").resolve(id);
        OciBundle.writeConfig(bundle, rootfs, id, false, List.of("nosuch"));
        Path state = base.resolve("state").resolve(id);
        containers.add(id);
        Processes.Result r = Processes.run(createCommand(id, bundle, state, base.resolve("logs").resolve(id)),
                Duration.ofSeconds(60));
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("exec: \"nosuch\": executable file not found in $PATH"), r.stderr());
        assertFalse(Files.exists(state.resolve("monitor.sock")));
        assertFalse(Files.exists(state.resolve("monitor.pid")));
    }

    // --- helpers ----------------------------------------------------------------------------------

    static String newId() {
        return "bm-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static List<String> createCommand(String id, Path bundle, Path state, Path log) {
        return List.of(binary.toString(), "create", "--id", id, "--bundle", bundle.toString(), "--runtime",
                RUNC.toString(), "--runtime-root", runtimeRoot.toString(), "--state-dir", state.toString(), "--log",
                log.toString());
    }

    Ctr create(boolean tty, List<String> args, String... flags) throws Exception {
        String id = newId();
        Path bundle = base.resolve("bundles").resolve(id);
        OciBundle.writeConfig(bundle, rootfs, id, tty, args);
        Path state = base.resolve("state").resolve(id);
        Path log = base.resolve("logs").resolve(id + ".json");
        List<String> cmd = new ArrayList<>(createCommand(id, bundle, state, log));
        if (tty) {
            cmd.add("--tty");
        }
        cmd.addAll(List.of(flags));
        containers.add(id);
        // Processes.run reads stdout/stderr to EOF: this also proves the monitor let go of them.
        Processes.Result r = Processes.run(cmd, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), "create failed: " + r.stderr());
        long pid = Long.parseLong(Files.readString(state.resolve("monitor.pid")).strip());
        monitors.add(pid);
        return new Ctr(id, state, state.resolve("monitor.sock"), log, pid);
    }

    Processes.Result exec(Ctr c, String execId, boolean tty, List<String> args, String... flags) throws Exception {
        Path process = base.resolve("bundles").resolve(c.id()).resolve("process-" + execId + ".json");
        OciBundle.writeProcess(process, tty, args);
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "exec", "--id", c.id(), "--exec-id", execId,
                "--process", process.toString(), "--runtime", RUNC.toString(), "--runtime-root",
                runtimeRoot.toString(), "--state-dir", c.state().toString()));
        if (tty) {
            cmd.add("--tty");
        }
        cmd.addAll(List.of(flags));
        return Processes.run(cmd, Duration.ofSeconds(60));
    }

    static void runc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(RUNC.toString(), "--root", runtimeRoot.toString()));
        cmd.addAll(List.of(args));
        Processes.run(cmd, Duration.ofSeconds(30)).requireSuccess();
    }

    /** A WAIT sent while the container runs; the monitor leaves once the container has exited. */
    static ControlClient waiter(Ctr c) throws IOException {
        ControlClient w = ControlClient.connect(c.sock());
        w.send("WAIT");
        return w;
    }

    static void assertExit(Ctr c, ControlClient waiter, int code) throws Exception {
        try (waiter) {
            assertEquals("EXITED " + code, waiter.readLine());
        }
        // The exit file is written before WAIT is answered and before attach streams end.
        assertEquals(code, json(c.state().resolve("exit.json")).get("exitCode").asInt());
    }

    static void assertClosed(ControlClient c) {
        try {
            assertNull(c.readLine());
        } catch (IOException reset) {
            // closed with unread input: ECONNRESET instead of EOF
        }
    }

    static JsonNode json(Path file) throws IOException {
        return OciBundle.JSON.readTree(Files.readString(file));
    }

    static List<String> texts(List<JsonNode> log, String stream) {
        return log.stream().filter(e -> e.get("stream").stringValue().equals(stream))
                .map(e -> e.get("log").stringValue()).toList();
    }

    /** Line numbers of "line-N" entries across FILE.(max-1) ... FILE.1, FILE (oldest first). */
    static List<Integer> rotatedLineNumbers(Path log, int maxFiles, long maxSize) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        for (int i = maxFiles - 1; i >= 0; i--) {
            Path f = i == 0 ? log : Path.of(log + "." + i);
            if (!Files.exists(f)) {
                continue;
            }
            assertTrue(Files.size(f) <= maxSize, f + " has " + Files.size(f) + " bytes");
            for (String l : Files.readAllLines(f)) {
                String text = OciBundle.JSON.readTree(l).get("log").stringValue();
                numbers.add(Integer.parseInt(text.substring("line-".length(), text.length() - 1)));
            }
        }
        return numbers;
    }

    /** Field n (1-based, as in proc(5)) of /proc/PID/stat, or -1. */
    static long statField(long pid, int n) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return n == 3 ? rest[0].charAt(0) : Long.parseLong(rest[n - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Alive and not a zombie (a zombie only waits for its parent, which may be a slow init). */
    static boolean running(long pid) {
        long state = statField(pid, 3);
        return state != -1 && state != 'Z' && state != 'X';
    }

    static boolean waitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    static List<Long> zombieChildren(long parent) throws IOException {
        List<Long> zombies = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (statField(pid, 4) == parent && statField(pid, 3) == 'Z') {
                    zombies.add(pid);
                }
            }
        }
        return zombies;
    }
}
