package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.client.ContainerClient;
import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineClient;
import dev.berth.api.client.Hijacked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * 200 create/start/remove cycles — plain runs, attached runs, and force-removals of running containers —
 * leave no mount, cgroup, process, file descriptor, thread or file behind (counted before and after).
 * File descriptors and threads of the engine JVM may vary by a few (the JVM's own pools); a leak of one per
 * cycle would show as hundreds.
 */
class ContainerLeakIT {
    static final int CYCLES = 200;
    static final long JVM_SLACK = 4;
    /** Every container this test created: only their cgroups are counted (other engines may run here). */
    static final Set<String> ids = ConcurrentHashMap.newKeySet();

    @Test
    void twoHundredCyclesLeakNothing() throws Exception {
        try (ContainerEngine env = ContainerEngine.start()) {
            ContainerClient containers = new ContainerClient(new EngineClient(DockerHost.unix(env.engine.socket())));
            long engine = env.engine.handle().pid();
            for (int i = 0; i < 5; i++) {
                cycle(containers, i); // warm-up: lazily created pools and caches are not leaks
            }
            Map<String, Long> before = settle(env.engine.root(), engine, null);
            for (int i = 0; i < CYCLES; i++) {
                cycle(containers, i);
            }
            Map<String, Long> after = settle(env.engine.root(), engine, before);
            long fds = after.remove("engine fds") - before.remove("engine fds");
            long threads = after.remove("engine threads") - before.remove("engine threads");
            assertEquals(before, after, "resources before and after " + CYCLES + " cycles");
            assertEquals(0, after.get("monitors"), "no monitor outlives its container");
            assertEquals(0, after.get("cgroups"), "no cgroup of a removed container is left");
            assertTrue(fds <= JVM_SLACK, "engine file descriptors grew by " + fds);
            assertTrue(threads <= JVM_SLACK, "engine threads grew by " + threads);
        }
    }

    /** Three kinds of cycles, so each path that frees resources runs. */
    private static void cycle(ContainerClient c, int i) throws Exception {
        switch (i % 3) {
            case 0 -> {
                String id = track(c.create(null, Map.of("Image", "busybox", "Cmd", List.of("true")), l -> { }));
                CompletableFuture<Integer> exit = c.waitFor(id, "next-exit");
                c.start(id);
                assertEquals(0, exit.get());
                c.remove(id, false);
            }
            case 1 -> {
                String id = track(c.create(null, Map.of("Image", "busybox", "Cmd", List.of("echo", "x"),
                        "AttachStdout", true), l -> { }));
                CompletableFuture<Integer> exit = c.waitFor(id, "removed");
                try (Hijacked h = c.attach(id, false)) {
                    h.closeStdin();
                    c.start(id);
                    h.output().readAllBytes();
                }
                c.remove(id, true);
                exit.get();
            }
            default -> {
                String id = track(c.create(null, Map.of("Image", "busybox", "Cmd", List.of("sleep", "60")), l -> { }));
                c.start(id);
                c.remove(id, true); // kill and remove a running container
            }
        }
    }

    private static String track(String id) {
        ids.add(id);
        return id;
    }

    /**
     * Counts again until the numbers match {@code expected} (or, without one, until no monitor runs), or a
     * few seconds pass: exits are handled asynchronously.
     */
    private static Map<String, Long> settle(Path root, long engine, Map<String, Long> expected) throws Exception {
        Map<String, Long> now = census(root, engine);
        for (int i = 0; i < 50 && (expected == null ? now.get("monitors") != 0 : !sameLasting(now, expected)); i++) {
            Thread.sleep(100);
            now = census(root, engine);
        }
        return now;
    }

    private static boolean sameLasting(Map<String, Long> now, Map<String, Long> expected) {
        Map<String, Long> a = new LinkedHashMap<>(now);
        Map<String, Long> b = new LinkedHashMap<>(expected);
        for (String jvm : List.of("engine fds", "engine threads")) {
            a.remove(jvm);
            b.remove(jvm);
        }
        return a.equals(b);
    }

    static Map<String, Long> census(Path root, long enginePid) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("mounts", Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(root.toString())).count());
        m.put("cgroups", cgroups());
        m.put("monitors", ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("")
                .startsWith(root.toString())).count());
        m.put("engine children", ProcessHandle.of(enginePid).map(p -> p.descendants().count()).orElse(-1L));
        m.put("engine fds", count(Path.of("/proc/" + enginePid + "/fd")));
        m.put("engine threads", count(Path.of("/proc/" + enginePid + "/task")));
        m.put("container dirs", count(root.resolve("containers")));
        m.put("monitor dirs", count(root.resolve("m")));
        m.put("runtime state", count(root.resolve("runtimes/runc")));
        return m;
    }

    /** This test's container cgroups under /berth: in the v2 tree, or summed over every v1 hierarchy. */
    private static long cgroups() throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return ours(root.resolve("berth"));
        }
        long n = 0;
        try (Stream<Path> hierarchies = Files.list(root)) {
            for (Path h : hierarchies.toList()) {
                n += ours(h.resolve("berth"));
            }
        }
        return n;
    }

    private static long ours(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> ids.contains(p.getFileName().toString())).count();
        }
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
