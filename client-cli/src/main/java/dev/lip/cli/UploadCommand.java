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

@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Upload IMAGE and start processing; prints the job id.")
final class UploadCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Mixin
    JobOptions jobOptions;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IMAGE")
    Path image;

    @Option(names = "--stitch", description = "Ask for the result now: it is stitched tile by tile while the patches are processed.")
    boolean stitch;

    @Override
    public Integer call() {
        ApiClient api = options.client();
        ResumableUpload upload = new ResumableUpload(api.base(), api.token(), UploadStore.standard());
        JsonNode job;
        try (Interruption ignored = Interruption.explain(spec.commandLine().getErr(),
                () -> Interruption.uploadStopped(image, upload))) {
            job = Jobs.upload(api, upload, image, jobOptions, options.quiet, spec.commandLine().getErr());
        }
        String id = job.path("id").asText();
        if (stitch) {
            api.requestResult(id);
        }
        spec.commandLine().getOut().println(id);
        return LipCli.OK;
    }
}
