package berth.bench;

import dev.berth.testkit.Processes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Container scenarios (issue P3): run latency, concurrent starts, listing, memory per container; exec latency
 * (issue P5).
 */
final class ContainerScenarios {
    private ContainerScenarios() {}

    /** Pulls the busybox fixture into every engine and tags it {@code busybox}, as a user's would be. */
    static void ensureBusybox(Engines engines, Fixtures fixtures) throws Exception {
        for (Engines.Target t : engines.all()) {
            t.cli().ok("pull", "-q", fixtures.image("busybox"));
            t.cli().ok("tag", fixtures.image("busybox"), "busybox");
        }
    }

    static void removeAll(Engines.Target t) throws Exception {
        String ids = t.cli().ok("ps", "-aq");
        if (!ids.isBlank()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(ids.lines().toList());
            t.cli().ok(rm.toArray(String[]::new));
        }
    }

    /** `docker run --rm busybox true` through the CLI: create, attach, start, wait, remove. */
    static final class RunRm implements Scenario {
        private final boolean networkNone;

        RunRm(boolean networkNone) {
            this.networkNone = networkNone;
        }

        public String name() {
            return networkNone ? "run-rm-net-none" : "run-rm";
        }

        public String description() {
            return "`docker run --rm " + (networkNone ? "--network none " : "") + "busybox true` end to end";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            ensureBusybox(engines, fixtures);
            List<String> cmd = new ArrayList<>(List.of("run", "--rm"));
            if (networkNone) {
                cmd.addAll(List.of("--network", "none"));
            }
            cmd.addAll(List.of("busybox", "true"));
            Scenarios.alternate(engines, 2, t -> t.cli().ok(cmd.toArray(String[]::new))); // warm-up
            Map<String, List<Double>> samples = Scenarios.alternate(engines, Math.max(iterations, 15),
                    t -> t.cli().ok(cmd.toArray(String[]::new)));
            Outcome o = Outcome.of(name(), "ms", samples, networkNone ? "report" : "berth ≤ 0.5× dockerd");
            if (!networkNone) {
                o.note("both engines attach the container to their default bridge (veth, DNS, firewall); the "
                        + "difference to run-rm-net-none is what networking adds to a run");
            }
            return o;
        }
    }

    /** `docker exec <c> true` into one running container: create, hijacked start, exit code from inspect. */
    static final class ExecTrue implements Scenario {
        public String name() {
            return "exec-true";
        }

        public String description() {
            return "`docker exec <c> true` into a running busybox, end to end through the CLI";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            ensureBusybox(engines, fixtures);
            Map<String, String> ids = new LinkedHashMap<>();
            for (Engines.Target t : engines.all()) {
                ids.put(t.name(), t.cli().ok("run", "-d", "--network", "none", "busybox", "sleep", "600").trim());
            }
            try {
                Scenarios.alternate(engines, 2, t -> t.cli().ok("exec", ids.get(t.name()), "true")); // warm-up
                Map<String, List<Double>> samples = Scenarios.alternate(engines, Math.max(iterations, 15),
                        t -> t.cli().ok("exec", ids.get(t.name()), "true"));
                return Outcome.of(name(), "ms", samples, "report").note("one CLI process per exec: create, start "
                        + "(Upgrade hijack), exec inspect for the exit code");
            } finally {
                for (Engines.Target t : engines.all()) {
                    removeAll(t);
                }
            }
        }
    }

    /** 50 `docker run -d` at once: all must succeed; the spread of start times is what matters. */
    static final class Concurrent implements Scenario {
        static final int N = 50;

        public String name() {
            return "run-d-50-concurrent";
        }

        public String description() {
            return N + " concurrent `docker run -d busybox sleep 600`: per-run time, p99 vs median";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            ensureBusybox(engines, fixtures);
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            Outcome o = Outcome.of(name(), "ms", samples, "all succeed; p99 ≤ 3× median");
            for (Engines.Target t : engines.all()) {
                List<Double> times = Collections.synchronizedList(new ArrayList<>());
                int failures = 0;
                try (ExecutorService pool = Executors.newFixedThreadPool(N)) {
                    List<Future<Processes.Result>> runs = new ArrayList<>();
                    for (int i = 0; i < N; i++) {
                        runs.add(pool.submit((Callable<Processes.Result>) () -> {
                            long start = System.nanoTime();
                            Processes.Result r = t.cli().run("run", "-d", "busybox", "sleep", "600");
                            times.add((System.nanoTime() - start) / 1e6);
                            return r;
                        }));
                    }
                    for (Future<Processes.Result> f : runs) {
                        failures += f.get().exitCode() == 0 ? 0 : 1;
                    }
                }
                samples.put(t.name(), new ArrayList<>(times));
                o.note(String.format("%s: %d/%d succeeded, median %.0f ms, p99 %.0f ms (p99/median %.2f)", t.name(),
                        N - failures, N, Outcome.median(times), Outcome.percentile(times, 99),
                        Outcome.percentile(times, 99) / Outcome.median(times)));
                removeAll(t);
            }
            return o;
        }
    }

    /** `docker ps -a` with 500 containers (created, not started: the listing is what is timed). */
    static final class Ps500 implements Scenario {
        public String name() {
            return "ps-a-500";
        }

        public String description() {
            return "`docker ps -a` with 500 containers";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            ensureBusybox(engines, fixtures);
            for (Engines.Target t : engines.all()) {
                try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                    List<Future<String>> creates = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        creates.add(pool.submit(() -> t.cli().ok("create", "busybox", "true")));
                    }
                    for (Future<String> f : creates) {
                        f.get();
                    }
                }
            }
            Map<String, List<Double>> samples = Scenarios.alternate(engines, Math.max(iterations, 11),
                    t -> t.cli().ok("ps", "-a"));
            for (Engines.Target t : engines.all()) {
                removeAll(t);
            }
            return Outcome.of(name(), "ms", samples, "berth ≤ 100 ms median");
        }
    }

    /** Memory with 100 running containers: the engine's own growth, and the per-container processes. */
    static final class Memory100 implements Scenario {
        static final int N = 100;

        public String name() {
            return "rss-100-containers";
        }

        public String description() {
            return "engine RSS with " + N + " running containers, and per-container overhead";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            ensureBusybox(engines, fixtures);
            engines.restartBerth();
            Thread.sleep(2000);
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            Outcome o = Outcome.of(name(), "MiB", samples, "report");
            for (Engines.Target t : engines.all()) {
                long before = t.rssBytes();
                for (int i = 0; i < N; i++) {
                    t.cli().ok("run", "-d", "busybox", "sleep", "3600");
                }
                Thread.sleep(3000);
                long engine = t.rssBytes();
                long perContainer = perContainerProcesses(engines, t);
                samples.put(t.name(), List.of((engine + perContainer) / (double) (1 << 20)));
                o.note(String.format("%s: engine %.0f MiB idle → %.0f MiB with %d containers (%.0f KiB each inside "
                        + "the engine); per-container %s: %.1f MiB in all (%.0f KiB each)", t.name(),
                        before / 1048576.0, engine / 1048576.0, N, (engine - before) / 1024.0 / N,
                        t.name().equals(Engines.BERTH) ? "monitors" : "containerd shims",
                        perContainer / 1048576.0, perContainer / 1024.0 / N));
                removeAll(t);
            }
            o.note("the figure compared is engine + per-container helper processes; container processes "
                    + "themselves are not counted");
            return o;
        }

        /**
         * Berth's monitors (run from the binary under this run's home; not the engine's children) or the
         * reference dockerd's containerd shims (in its containerd namespace).
         */
        private static long perContainerProcesses(Engines engines, Engines.Target t) {
            boolean berth = t.name().equals(Engines.BERTH);
            String home = engines.berthHome().toString();
            return ProcessHandle.allProcesses().filter(p -> {
                String cmd = p.info().command().orElse("");
                String args = p.info().arguments().map(a -> String.join(" ", a)).orElse("");
                return berth ? cmd.startsWith(home) && cmd.endsWith("berth-monitor")
                        : cmd.contains("containerd-shim") && args.contains("berth-reference");
            }).mapToLong(p -> Engines.rss(p.pid())).sum();
        }
    }
}
