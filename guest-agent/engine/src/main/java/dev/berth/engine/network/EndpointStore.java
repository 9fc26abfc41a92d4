package dev.berth.engine.network;

import dev.berth.engine.network.model.Endpoint;
import dev.berth.engine.store.AtomicFiles;
import dev.berth.oci.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The network side of each running container: its namespace, endpoints and published ports, one atomic
 * file per container ({@code networks/endpoints/<container id>.json}). Written before anything it names is
 * created, deleted after everything it names is gone, so a crash in between leaves enough to clean up.
 */
public final class EndpointStore {
    /** What one container holds on the network side. */
    public record Attachment(String containerId, String netns, List<Endpoint> endpoints, List<PublishedPort> ports) {
        public Attachment {
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            ports = ports == null ? List.of() : List.copyOf(ports);
        }

        public Attachment withEndpoint(Endpoint e) {
            List<Endpoint> l = new ArrayList<>(endpoints);
            l.add(e);
            return new Attachment(containerId, netns, l, ports);
        }

        public Attachment withPorts(List<PublishedPort> p) {
            return new Attachment(containerId, netns, endpoints, p);
        }
    }

    /** A published port as bound: protocol, host address and port, container port. */
    public record PublishedPort(String protocol, String hostIp, int hostPort, int containerPort) {
        public String key() {
            return containerPort + "/" + protocol;
        }
    }

    private final Path dir;

    public EndpointStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        AtomicFiles.removeTemps(dir);
    }

    public void save(Attachment a) throws IOException {
        AtomicFiles.write(file(a.containerId()), Json.write(a));
    }

    public Optional<Attachment> get(String containerId) throws IOException {
        Path f = file(containerId);
        return Files.isRegularFile(f) ? Optional.of(Json.read(Files.readAllBytes(f), Attachment.class))
                : Optional.empty();
    }

    public void delete(String containerId) throws IOException {
        Files.deleteIfExists(file(containerId));
    }

    public List<Attachment> all() throws IOException {
        List<Attachment> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                out.add(Json.read(Files.readAllBytes(f), Attachment.class));
            }
        }
        return out;
    }

    private Path file(String containerId) {
        return dir.resolve(containerId + ".json");
    }
}
