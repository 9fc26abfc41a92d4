package berth.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a scenario measured: per engine, a list of samples in {@code unit}, plus free-form notes
 * (throughput, memory) and a target the result is judged against.
 */
record Outcome(String scenario, String unit, Map<String, List<Double>> samples, List<String> notes, String target) {

    static Outcome of(String scenario, String unit, Map<String, List<Double>> samples, String target) {
        return new Outcome(scenario, unit, samples, new ArrayList<>(), target);
    }

    Outcome note(String n) {
        notes.add(n);
        return this;
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double percentile(List<Double> xs, double p) {
        List<Double> s = xs.stream().sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(idx, s.size() - 1)));
    }

    /** Berth's median divided by dockerd's, or NaN if either is missing. */
    double ratio() {
        List<Double> b = samples.get(Engines.BERTH);
        List<Double> d = samples.get(Engines.DOCKERD);
        if (b == null || d == null || b.isEmpty() || d.isEmpty()) {
            return Double.NaN;
        }
        return median(b) / median(d);
    }
}
