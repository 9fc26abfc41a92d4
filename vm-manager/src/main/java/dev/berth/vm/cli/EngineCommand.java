package dev.berth.vm.cli;

import dev.berth.vm.engine.EngineBackend;
import dev.berth.vm.engine.EngineStatus;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth engine start|stop|status|env|logs|uninstall}. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Start, stop and locate the container engine.",
        subcommands = {EngineCommand.Start.class, EngineCommand.Stop.class, EngineCommand.Status.class,
                EngineCommand.Env.class, EngineCommand.Logs.class, EngineCommand.Uninstall.class})
final class EngineCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the engine in the background; returns once it answers.")
    static final class Start implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            EngineBackend backend = BerthCli.backend();
            boolean wasRunning = backend.status().running();
            EngineStatus s = backend.start();
            System.out.println((wasRunning ? "engine already running" : "engine started") + " (pid " + s.pid()
                    + ") at " + s.dockerHost());
            if (!wasRunning) {
                System.out.println("point the docker CLI at it with: eval \"$(./berth engine env)\"");
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the engine. Running containers keep running.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            EngineBackend backend = BerthCli.backend();
            if (!backend.status().running()) {
                System.out.println("engine is not running");
                return 0;
            }
            backend.stop();
            System.out.println("engine stopped");
            return 0;
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Stop every container and the engine, and remove the engine's network bridges, "
                    + "namespaces and firewall rules from this machine. Images, containers and volumes stay in "
                    + "the engine's data root, which it names; delete that folder to remove them too.")
    static final class Uninstall implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            BerthCli.backend().uninstall().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show whether the engine runs. Exit status 0 if it does, 3 if not.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            EngineStatus s = BerthCli.backend().status();
            if (!s.running()) {
                System.out.println("engine: stopped");
                return 3;
            }
            System.out.println("engine: running");
            System.out.println("pid: " + s.pid());
            System.out.println("DOCKER_HOST: " + s.dockerHost());
            System.out.println("version: " + s.version() + " (Docker API " + s.apiVersion() + ")");
            return 0;
        }
    }

    @Command(name = "env", mixinStandardHelpOptions = true,
            description = "Print the shell line that points the docker CLI at the engine: eval \"$(berth engine env)\"")
    static final class Env implements Callable<Integer> {
        @Option(names = "--shell", defaultValue = "sh", description = "sh, fish or powershell (default: ${DEFAULT-VALUE})")
        String shell;

        @Override
        public Integer call() {
            EngineBackend backend = BerthCli.backend();
            String host = backend.dockerHost();
            switch (shell) {
                case "fish" -> System.out.println("set -gx DOCKER_HOST " + host);
                case "powershell" -> System.out.println("$Env:DOCKER_HOST = \"" + host + "\"");
                default -> System.out.println("export DOCKER_HOST=" + host);
            }
            if (!backend.status().running()) {
                System.err.println("# the engine is not running; start it with `berth engine start`");
            }
            return 0;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print the engine's log.")
    static final class Logs implements Callable<Integer> {
        @Option(names = {"-n", "--tail"}, defaultValue = "100", description = "lines from the end (default: ${DEFAULT-VALUE})")
        int tail;

        @Override
        public Integer call() throws Exception {
            var log = BerthCli.backend().logFile();
            if (!Files.exists(log)) {
                System.err.println("no engine log at " + log);
                return 1;
            }
            var lines = Files.readAllLines(log);
            lines.subList(Math.max(0, lines.size() - tail), lines.size()).forEach(System.out::println);
            return 0;
        }
    }
}
