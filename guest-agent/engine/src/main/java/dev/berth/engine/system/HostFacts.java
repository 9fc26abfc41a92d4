package dev.berth.engine.system;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about the machine the engine runs on, read once from /proc and /etc. */
public record HostFacts(String hostname, String kernelVersion, String operatingSystem, String osVersion,
        String architecture, int cpus, long memTotal, String cgroupVersion) {

    public static HostFacts read() {
        return new HostFacts(readHostname(), read("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version")),
                osRelease("PRETTY_NAME").orElse("Linux"), osRelease("VERSION_ID").orElse(""),
                unameMachine(), Runtime.getRuntime().availableProcessors(), readMemTotal(),
                Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1");
    }

    /** Go's architecture name for this machine, as image platforms use. */
    public String goArch() {
        return switch (architecture) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> architecture;
        };
    }

    private static String readHostname() {
        return read("/proc/sys/kernel/hostname").orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "localhost";
            }
        });
    }

    private static String unameMachine() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    private static long readMemTotal() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    private static Optional<String> osRelease(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith(key + "=")) {
                    return Optional.of(line.substring(key.length() + 1).replace("\"", ""));
                }
            }
        } catch (IOException e) {
            // not a standard Linux userland
        }
        return Optional.empty();
    }

    private static Optional<String> read(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path)).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
