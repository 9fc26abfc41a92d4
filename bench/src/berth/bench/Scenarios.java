package berth.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every scenario, in the order a full run executes them. Issues add theirs here. */
final class Scenarios {
    private Scenarios() {}

    static List<Scenario> all() {
        return List.of(
                new CliRoundTrip(),
                new IdleMemory(),
                new ImageScenarios.PullCold(),
                new ImageScenarios.PullShared(),
                new ImageScenarios.ListImages(),
                new ContainerScenarios.RunRm(false),
                new ContainerScenarios.RunRm(true),
                new ContainerScenarios.Concurrent(),
                new ContainerScenarios.Ps500(),
                new ContainerScenarios.Memory100(),
                new ContainerScenarios.ExecTrue(),
                new NetworkScenarios.Throughput(),
                new NetworkScenarios.ConnectionSetup(),
                new VolumeScenarios.SequentialIo(false),
                new VolumeScenarios.SequentialIo(true));
    }

    /**
     * Runs {@code body} once per iteration per engine, alternating the engine order each iteration, and
     * collects milliseconds.
     */
    static Map<String, List<Double>> alternate(Engines engines, int iterations, Timed body) throws Exception {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        List<Engines.Target> order = new ArrayList<>(engines.all());
        for (int i = 0; i < iterations; i++) {
            List<Engines.Target> round = i % 2 == 0 ? order : order.reversed();
            for (Engines.Target t : round) {
                long start = System.nanoTime();
                body.run(t);
                double ms = (System.nanoTime() - start) / 1e6;
                samples.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(ms);
            }
        }
        return samples;
    }

    @FunctionalInterface
    interface Timed {
        void run(Engines.Target t) throws Exception;
    }

    /** `docker version`: one CLI process and two API round trips; the floor every command pays. */
    static final class CliRoundTrip implements Scenario {
        public String name() {
            return "cli-version";
        }

        public String description() {
            return "`docker version` end to end through the docker CLI";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            return Outcome.of(name(), "ms", alternate(engines, iterations, t -> t.cli().ok("version")), null);
        }
    }

    /** Resident memory of the engine right after start, next to dockerd + containerd. */
    static final class IdleMemory implements Scenario {
        public String name() {
            return "idle-rss";
        }

        public String description() {
            return "engine resident memory (RSS) after start, idle";
        }

        public Outcome run(Engines engines, Fixtures fixtures, int iterations) throws Exception {
            engines.restartBerth();
            Thread.sleep(3000); // let start-up work settle
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            for (Engines.Target t : engines.all()) {
                samples.put(t.name(), List.of(t.rssBytes() / (double) (1 << 20)));
            }
            return Outcome.of(name(), "MiB", samples, "report").note("dockerd figure includes its containerd");
        }
    }
}
