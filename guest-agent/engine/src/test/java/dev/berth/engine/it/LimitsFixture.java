package dev.berth.engine.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.Processes;
import dev.berth.testkit.ReferenceDockerd;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.Requirements;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What the limits and security ITs share: the fixture registry, one engine and, where the host has one, one
 * reference dockerd, each with busybox pulled; and {@code docker run} for one-shot containers. Every run
 * passes {@code --pull never} (nothing may reach Docker Hub) and {@code --network none} (Berth has no
 * bridge yet, so both engines give the container the same loopback-only view).
 */
final class LimitsFixture implements AutoCloseable {
    final RegistryFixture registry;
    final EngineProcess engine;
    final String busybox;
    private ReferenceDockerd dockerd;
    private String noDockerd;

    private LimitsFixture(RegistryFixture registry, EngineProcess engine) {
        this.registry = registry;
        this.engine = engine;
        this.busybox = registry.host() + "/busybox";
    }

    /**
     * Skips (with the reason) where the host cannot run containers; starts everything else, the reference
     * dockerd alongside the registry and the engine.
     */
    static LimitsFixture start() throws Exception {
        Requirements.requireRoot();
        Requirements.requireRegistry();
        Requirements.requireDockerCli();
        CompletableFuture<Object> reference = CompletableFuture.supplyAsync(LimitsFixture::startDockerd);
        LimitsFixture f = null;
        try {
            RegistryFixture registry = RegistryFixture.startWithFixtures();
            try {
                f = new LimitsFixture(registry, EngineProcess.start());
            } catch (IOException | RuntimeException e) {
                registry.close();
                throw e;
            }
        } finally {
            Object d = reference.join();
            if (f != null) {
                f.adopt(d);
            } else if (d instanceof ReferenceDockerd started) {
                started.close();
            }
        }
        try {
            f.engine.cli().ok("pull", "-q", f.busybox);
        } catch (Exception | AssertionError e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** A started dockerd, or why there is none: a missing or failing one costs only the comparisons. */
    private static Object startDockerd() {
        Optional<String> unavailable = ReferenceDockerd.unavailableReason();
        if (unavailable.isPresent()) {
            return unavailable.get();
        }
        try {
            return ReferenceDockerd.start();
        } catch (IOException | RuntimeException | AssertionError e) {
            return "the reference dockerd did not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while the reference dockerd started";
        }
    }

    private void adopt(Object d) throws InterruptedException {
        if (d instanceof ReferenceDockerd started) {
            dockerd = started;
            try {
                dockerd.cli().ok("pull", "-q", busybox);
            } catch (Exception | AssertionError e) {
                noDockerd = "the reference dockerd could not pull busybox: " + e.getMessage();
                closeDockerd();
            }
        } else {
            noDockerd = (String) d;
        }
    }

    /** Runs {@code task} against the reference dockerd in the background and on Berth here; skips without one. */
    <T> Both<T> onBoth(EngineTask<T> task) throws Exception {
        DockerCli reference = reference();
        CompletableFuture<T> theirs = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                theirs.complete(task.on(reference));
            } catch (Throwable e) {
                theirs.completeExceptionally(e);
            }
        });
        T ours = task.on(berth());
        try {
            return new Both<>(ours, theirs.get());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
    }

    @FunctionalInterface
    interface EngineTask<T> {
        T on(DockerCli d) throws Exception;
    }

    /** One task's outcome on Berth and on dockerd. */
    record Both<T>(T ours, T theirs) {}

    DockerCli berth() {
        return engine.cli();
    }

    /** The reference dockerd's CLI; skips the calling test (with the reason) where there is none. */
    DockerCli reference() {
        assumeTrue(dockerd != null, () -> "no reference dockerd to compare with: " + noDockerd);
        return dockerd.cli();
    }

    /**
     * A one-shot busybox with {@code options} running {@code cmd}: its exit code, stdout and stderr. Run
     * detached and read back with {@code docker wait} and {@code docker logs}, not attached: Berth's attach
     * can miss a short process's output under load (see /tmp/berth-proposals/limits-attach-race.diff), and
     * these tests are about what the process sees, not about attach. A refused create or start comes back
     * as {@code docker run}'s own result (exit 125, the daemon's message on stderr).
     */
    Processes.Result run(DockerCli d, List<String> options, String... cmd) throws Exception {
        return runImage(d, options, busybox, List.of(cmd));
    }

    /** As {@link #run} for any image. */
    static Processes.Result runImage(DockerCli d, List<String> options, String image, List<String> cmd)
            throws Exception {
        // named, so that a container whose start failed (docker run -d prints no ID then) is removed too
        String id = "limits-" + UUID.randomUUID().toString().substring(0, 12);
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", id, "--pull", "never", "--network",
                "none"));
        args.addAll(options);
        args.add(image);
        args.addAll(cmd);
        try {
            Processes.Result started = d.run(args);
            if (started.exitCode() != 0) {
                return started;
            }
            int status = Integer.parseInt(d.ok("wait", id).trim());
            Processes.Result logs = d.run("logs", id).requireSuccess();
            return new Processes.Result(args, status, logs.stdout(), logs.stderr());
        } finally {
            d.run("rm", "-f", id); // harmless where create itself was refused
        }
    }

    /** As {@link #run}, failing the test unless the container exits 0; its stdout. */
    String out(DockerCli d, List<String> options, String... cmd) throws Exception {
        return run(d, options, cmd).requireSuccess().stdout();
    }

    /** {@code sh -c script} in a one-shot busybox; its stdout. */
    String sh(DockerCli d, List<String> options, String script) throws Exception {
        return out(d, options, "sh", "-c", script);
    }

    /** {@code docker run -d}: a named busybox running {@code cmd}; removed by the caller (or by close). */
    String detached(DockerCli d, List<String> options, String... cmd) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--pull", "never", "--network", "none"));
        args.addAll(options);
        args.add(busybox);
        args.addAll(List.of(cmd));
        return d.run(args).requireSuccess().stdout().trim();
    }

    /** {@code docker create} of busybox with {@code flags} (nothing runs): the CLI's result. */
    Processes.Result create(DockerCli d, List<String> flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("create", "--pull", "never", "--network", "none"));
        args.addAll(flags);
        args.add(busybox);
        return d.run(args);
    }

    /** Creates (never starts) a container with {@code flags}; inspect's {@code format} of it. */
    String createdWith(DockerCli d, List<String> flags, String format) throws Exception {
        String id = create(d, flags).requireSuccess().stdout().trim();
        try {
            return inspect(d, id, format);
        } finally {
            d.run("rm", "-f", id);
        }
    }

    static String inspect(DockerCli d, String id, String format) throws Exception {
        return d.ok("inspect", "--format", format, id).trim();
    }

    /** The host PID of a running container's init process. */
    static long pid(DockerCli d, String id) throws Exception {
        return Long.parseLong(inspect(d, id, "{{.State.Pid}}"));
    }

    static LimitsCgroup cgroup(DockerCli d, String id) throws Exception {
        return LimitsCgroup.ofPid(pid(d, id));
    }

    /** The IDs of every container of an engine, running or not. */
    static List<String> containers(DockerCli d) throws Exception {
        return d.ok("ps", "-aq", "--no-trunc").lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() throws Exception {
        try {
            closeDockerd();
        } finally {
            try {
                engine.close(); // removes its containers, then stops
            } finally {
                registry.close();
            }
        }
    }

    private void closeDockerd() throws InterruptedException {
        if (dockerd == null) {
            return;
        }
        try {
            List<String> ids = containers(dockerd.cli());
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(ids);
                dockerd.cli().run(rm);
            }
        } catch (Exception e) {
            System.err.println("reference dockerd cleanup: " + e);
        }
        dockerd.close();
        dockerd = null;
    }
}
