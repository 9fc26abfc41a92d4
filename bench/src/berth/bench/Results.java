package berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints each outcome as it comes and writes the run as a dated markdown record. */
final class Results {
    private final Path dir;
    private final String machine;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Results(Path dir, String machine) {
        this.dir = dir;
        this.machine = machine;
    }

    void add(Outcome o) {
        List<Double> b = o.samples().getOrDefault(Engines.BERTH, List.of());
        List<Double> d = o.samples().get(Engines.DOCKERD);
        String berth = fmt(Outcome.median(b), o.unit());
        String dockerd = d == null ? "n/a" : fmt(Outcome.median(d), o.unit());
        String ratio = Double.isNaN(o.ratio()) ? "n/a" : String.format("%.2f×", o.ratio());
        String row = String.format("| %s | %s | %s | %s | %d | %s |", o.scenario(), berth, dockerd, ratio, b.size(),
                o.target() == null ? "" : o.target());
        rows.add(row);
        System.out.printf("   berth %s   dockerd %s   ratio %s   (n=%d)%n", berth, dockerd, ratio, b.size());
        for (String n : o.notes()) {
            System.out.println("   " + n);
            notes.add("- " + o.scenario() + ": " + n);
        }
    }

    void addFailure(String scenario, String error) {
        rows.add("| " + scenario + " | FAILED | | | | " + error.replace("|", "/") + " |");
    }

    Path write() throws IOException {
        Files.createDirectories(dir);
        String date = LocalDate.now().toString();
        Path file = dir.resolve(date + "-" + Machine.hostname() + ".md");
        StringBuilder sb = new StringBuilder();
        if (!Files.exists(file)) {
            sb.append("# Benchmarks ").append(date).append(" on ").append(Machine.hostname()).append("\n\n");
        }
        sb.append("## Run at ").append(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm"))).append("\n\n");
        sb.append("Machine: ").append(machine).append("\n\n");
        sb.append("| scenario | berth (median) | dockerd (median) | berth/dockerd | n | target |\n");
        sb.append("|---|---|---|---|---|---|\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append(n).append('\n'));
        }
        sb.append('\n');
        Files.writeString(file, sb.toString(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return file;
    }

    static String fmt(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return switch (unit) {
            case "ms" -> String.format("%.1f ms", v);
            case "MiB" -> String.format("%.1f MiB", v);
            default -> String.format("%.2f %s", v, unit);
        };
    }

    static Map<String, List<Double>> samples() {
        return new java.util.LinkedHashMap<>();
    }
}
