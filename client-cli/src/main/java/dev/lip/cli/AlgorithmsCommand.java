package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "algorithms", mixinStandardHelpOptions = true, description = "List the algorithms and their parameters.")
final class AlgorithmsCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (JsonNode a : options.client().algorithms()) {
            out.printf("%s: %s%n", a.path("name").asText(), a.path("description").asText());
            for (JsonNode p : a.path("parameters")) {
                out.printf("  --param %s=...  %s; %s, %s, default %s%n", p.path("name").asText(),
                        p.path("description").asText(), p.path("type").asText(), p.path("allowed").asText(),
                        p.path("defaultValue").asText());
            }
        }
        return LipCli.OK;
    }
}
