package dev.berth.vm.cli;

import dev.berth.vm.engine.EngineStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code berth version}: this CLI's version and, if it runs, the engine's. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Show the Berth and engine versions.")
final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("Berth " + CliVersion.VERSION);
        System.out.println("  Java:       " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("  OS/Arch:    " + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
                + System.getProperty("os.arch"));
        EngineStatus s = BerthCli.backend().status();
        if (s.running()) {
            System.out.println("Engine:       running at " + s.dockerHost());
            System.out.println("  Version:    " + s.version() + " (Docker API " + s.apiVersion() + ")");
        } else {
            System.out.println("Engine:       not running (start it with `berth engine start`)");
        }
        return 0;
    }
}
