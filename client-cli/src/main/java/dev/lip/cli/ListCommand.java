package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the jobs slicer-api knows, newest first.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode jobs = options.client().jobs();
        if (jobs.isEmpty()) {
            spec.commandLine().getOut().println("No jobs.");
        } else {
            Jobs.printList(spec.commandLine().getOut(), jobs, java.time.Instant.now());
        }
        return LipCli.OK;
    }
}
