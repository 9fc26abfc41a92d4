package dev.berth.vm.cli;

import dev.berth.vm.engine.BerthPaths;
import dev.berth.vm.engine.EngineBackend;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code berth} command line. */
@Command(name = "berth", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "Berth: containers on your machine, with the docker CLI you already use.",
        subcommands = {VersionCommand.class, EngineCommand.class, RunCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class BerthCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BerthCli());
        cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        // as docker run: everything after the image belongs to the container's command (sh -c '...')
        cli.getSubcommands().get("run").setStopAtPositional(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("berth: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    /** The backend for this machine; commands share it through their parent. */
    static EngineBackend backend() {
        return EngineBackend.forThisMachine(BerthPaths.fromEnvironment());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
