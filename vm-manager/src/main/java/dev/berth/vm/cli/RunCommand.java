package dev.berth.vm.cli;

import dev.berth.api.client.ContainerClient;
import dev.berth.api.client.DockerHost;
import dev.berth.api.client.EngineApiException;
import dev.berth.api.client.EngineClient;
import dev.berth.api.client.Hijacked;
import dev.berth.api.stream.Stdcopy;
import dev.berth.vm.engine.EngineBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth run}: the part of {@code docker run} that works without the docker CLI installed (the
 * README's first command uses it). Output is streamed; the exit status is the container's, or 125 when the
 * engine refused, as with docker.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command in a new container (pulls the image if it is missing).")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--rm", description = "remove the container when it exits")
    boolean remove;

    @Option(names = {"-d", "--detach"}, description = "run in the background and print the container ID")
    boolean detach;

    @Option(names = "--name", description = "name the container")
    String name;

    @Option(names = {"-e", "--env"}, description = "set an environment variable (KEY=value)")
    List<String> env = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image, e.g. hello-world or busybox:latest")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "the command and its arguments")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        EngineBackend backend = BerthCli.backend();
        if (!backend.status().running()) {
            System.err.println("berth: the engine is not running; start it with `berth engine start`");
            return 125;
        }
        ContainerClient containers = new ContainerClient(new EngineClient(DockerHost.parse(backend.dockerHost())));
        try {
            String id = containers.create(name, config(), line -> System.err.println(line));
            return detach ? startDetached(containers, id) : runAttached(containers, id);
        } catch (EngineApiException e) {
            System.err.println("berth: " + e.getMessage());
            return 125;
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("Image", image);
        if (!command.isEmpty()) {
            c.put("Cmd", command);
        }
        c.put("Env", env);
        c.put("AttachStdout", !detach);
        c.put("AttachStderr", !detach);
        c.put("HostConfig", Map.of("AutoRemove", remove));
        return c;
    }

    private static int startDetached(ContainerClient containers, String id) throws IOException {
        containers.start(id);
        System.out.println(id);
        return 0;
    }

    /** docker run's order: wait registered, then attach, then start, so no output and no exit is missed. */
    private int runAttached(ContainerClient containers, String id) throws Exception {
        CompletableFuture<Integer> exit = containers.waitFor(id, remove ? "removed" : "next-exit");
        try (Hijacked stream = containers.attach(id, false)) {
            stream.closeStdin();
            try {
                containers.start(id);
            } catch (EngineApiException e) {
                System.err.println("berth: " + e.getMessage());
                return exitCodeOf(e);
            }
            Stdcopy.demux(stream.output(), System.out, System.err);
        }
        return exit.get();
    }

    /** Like docker: the executable's problems are 126/127, anything else the engine refused is 125. */
    private static int exitCodeOf(EngineApiException e) {
        String m = e.getMessage();
        if (m.contains("executable file not found") || m.contains("no such file or directory")) {
            return 127;
        }
        return m.contains("permission denied") ? 126 : 125;
    }
}
