package dev.berth.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The real docker CLI, pointed at one engine through DOCKER_HOST. */
public final class DockerCli {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private final Map<String, String> env;

    public DockerCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static DockerCli forHost(String dockerHost) {
        return new DockerCli(Map.of("DOCKER_HOST", dockerHost));
    }

    /** Why the docker CLI cannot be used here, or empty. */
    public static Optional<String> unavailableReason() {
        return Processes.which("docker").isPresent() ? Optional.empty()
                : Optional.of("no docker CLI on the PATH (the tests expect docker CLI v28)");
    }

    public Processes.Result run(List<String> args) throws IOException, InterruptedException {
        return run(args, null, DEFAULT_TIMEOUT);
    }

    public Processes.Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(args));
    }

    public Processes.Result run(List<String> args, byte[] stdin, Duration timeout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(args);
        return Processes.run(cmd, env, stdin, timeout);
    }

    /** Runs and fails the test with the full output if the command fails. */
    public String ok(String... args) throws IOException, InterruptedException {
        return run(List.of(args)).requireSuccess().stdout();
    }
}
