package dev.lip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lip}: the command-line client. It speaks only HTTP to slicer-api. Exit codes: 0 done, 1 the job or the
 * server reported an error, 2 bad usage or a missing file, 3 the server cannot be reached.
 */
@Command(name = "lip", mixinStandardHelpOptions = true, version = "lip 0.1.0",
        description = "Runs a per-patch algorithm over a very large image through slicer-api and patch-processor.",
        subcommands = {ProcessCommand.class, UploadCommand.class, StatusCommand.class, ResultCommand.class,
                ListCommand.class, CancelCommand.class, AlgorithmsCommand.class, SampleCommand.class})
public final class LipCli {
    public static final int OK = 0, FAILED = 1, USAGE = 2, UNREACHABLE = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cmd = new CommandLine(new LipCli());
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException c) {
                commandLine.getErr().println("Error: " + c.getMessage());
                return c.exitCode();
            }
            commandLine.getErr().println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return FAILED;
        });
        // a mistake on the command line gets its one-line reason and where to look, not the whole usage
        cmd.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("Error: " + e.getMessage());
            c.getErr().println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cmd.execute(args);
    }
}
