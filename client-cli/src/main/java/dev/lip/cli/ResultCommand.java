package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "result", mixinStandardHelpOptions = true,
        description = "Ask for a job's result, wait for it and download it to OUT.")
final class ResultCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT")
    Path output;

    @Override
    public Integer call() {
        ApiClient api = options.client();
        api.requestResult(id);
        JsonNode job = Jobs.follow(api, id, options.quiet, 250);
        Jobs.requireDone(job);
        long bytes = Jobs.download(api, id, output, options.quiet);
        spec.commandLine().getOut().printf("Wrote %s (%d bytes)%n", output, bytes);
        return LipCli.OK;
    }
}
