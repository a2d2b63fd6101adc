package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a job's status.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = {"-w", "--watch"}, description = "Follow the job with a progress bar until it ends.")
    boolean watch;

    @Option(names = "--json", description = "Print the full JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ApiClient api = options.client();
        JsonNode job = watch ? Jobs.follow(api, id, options.quiet, 250) : api.job(id);
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(job));
        } else {
            Jobs.printSummary(spec.commandLine().getOut(), job);
        }
        return job.path("state").asText().equals("FAILED") ? LipCli.FAILED : LipCli.OK;
    }
}
