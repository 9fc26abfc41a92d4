package dev.berth.engine.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What one test engine has on the host's network right now, found by its name prefix. */
final class ContainerEngineNetwork {
    private ContainerEngineNetwork() {}

    /** The engine's container namespaces under /run/netns. */
    static List<String> namespaces(ContainerEngine env) throws IOException {
        return list(Path.of("/run/netns"), env.engine.networkPrefix() + "-");
    }

    /** The engine's interfaces: its bridges; veths are named "vb..." and counted by {@link #veths}. */
    static List<String> bridges(ContainerEngine env) throws IOException {
        return list(Path.of("/sys/class/net"), env.engine.networkPrefix());
    }

    /** Host-side veth ends attached to one of the engine's bridges. */
    static List<String> veths(ContainerEngine env) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String v : list(Path.of("/sys/class/net"), "vb")) {
            Path master = Path.of("/sys/class/net", v, "master");
            if (Files.isSymbolicLink(master) && Files.readSymbolicLink(master).getFileName().toString()
                    .startsWith(env.engine.networkPrefix())) {
                out.add(v);
            }
        }
        return out;
    }

    private static List<String> list(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }
}
