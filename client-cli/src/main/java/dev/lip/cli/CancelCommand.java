package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job and remove its files.")
final class CancelCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
        JsonNode job = options.client().cancel(id);
        Jobs.printSummary(spec.commandLine().getOut(), job);
        return LipCli.OK;
    }
}
