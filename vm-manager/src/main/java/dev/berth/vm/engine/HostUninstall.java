package dev.berth.vm.engine;

import dev.berth.api.client.ContainerClient;
import dev.berth.api.client.EngineClient;
import dev.berth.api.launch.EngineLaunch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * {@code berth engine uninstall} on a Linux host: stops every running container (their network state
 * would otherwise outlive the engine), stops the engine, then has the engine's own code remove its
 * bridges, namespaces and firewall rules. Images, containers and volumes stay in the data root.
 */
final class HostUninstall {
    private final HostEngineBackend backend;
    private final EngineClient client;
    private final ContainerClient containers;

    HostUninstall(HostEngineBackend backend, EngineClient client) {
        this.backend = backend;
        this.client = client;
        this.containers = new ContainerClient(client);
    }

    /** What was done, a line each. */
    List<String> run() throws IOException, InterruptedException {
        List<String> done = new ArrayList<>();
        backend.start(); // containers can only be stopped through the engine; a no-op if it runs
        for (JsonNode c : client.getJson("/containers/json")) {
            String id = c.path("Id").asString();
            containers.stop(id);
            done.add("stopped container " + id.substring(0, 12));
        }
        backend.stop();
        done.add("stopped the engine");
        done.addAll(removeNetwork());
        return done;
    }

    private List<String> removeNetwork() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(EngineLaunch.JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineLaunch.MAIN_CLASS,
                EngineLaunch.UNINSTALL_NETWORK));
        String prefix = HostEngineBackend.networkPrefix();
        if (prefix != null) {
            cmd.addAll(List.of("--network-prefix", prefix));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("removing the engine's network state failed:\n" + out);
        }
        return out.lines().toList();
    }
}
