package berth.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine results were measured on. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (Exception ignored) {
            // not Linux
        }
        long mem = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        String kernel = System.getProperty("os.version");
        return String.format("%s, %d cores, %.0f GiB RAM, Linux %s, Java %s", cpu,
                Runtime.getRuntime().availableProcessors(), mem / (double) (1L << 30), kernel, Runtime.version());
    }

    static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
