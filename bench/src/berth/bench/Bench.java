package berth.bench;

import dev.berth.testkit.ReferenceDockerd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark runner. Each scenario runs against every available engine in the same process, iterations
 * alternating between engines (B D D B B D ...) so drift in the machine's state hits both alike. Reports
 * medians and the Berth/dockerd ratio, and appends a dated record to bench/results/.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        Map<String, Scenario> all = new LinkedHashMap<>();
        for (Scenario s : Scenarios.all()) {
            all.put(s.name(), s);
        }
        if (args.length == 1 && args[0].equals("--list")) {
            all.values().forEach(s -> System.out.printf("%-22s %s%n", s.name(), s.description()));
            return;
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String a : args) {
            Scenario s = all.get(a);
            if (s == null) {
                throw new IllegalArgumentException("unknown scenario " + a + "; try --list");
            }
            chosen.add(s);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(all.values());
        }
        int iterations = Integer.parseInt(System.getenv().getOrDefault("BENCH_ITERATIONS", "7"));
        Path root = Path.of(System.getProperty("berth.root"));
        Results results = new Results(root.resolve("bench/results"), Machine.describe());
        try (Fixtures fixtures = Fixtures.start();
                Engines engines = Engines.start(root)) {
            for (Scenario s : chosen) {
                System.out.println("== " + s.name() + ": " + s.description());
                try {
                    results.add(s.run(engines, fixtures, iterations));
                } catch (Exception e) {
                    System.out.println("   FAILED: " + e);
                    results.addFailure(s.name(), e.toString());
                }
            }
        }
        Path file = results.write();
        System.out.println("results written to " + root.relativize(file));
        if (ReferenceDockerd.unavailableReason().isPresent()) {
            System.out.println("note: no reference dockerd here (" + ReferenceDockerd.unavailableReason().get()
                    + "); Berth figures only");
        }
    }
}
