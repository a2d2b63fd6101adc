package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "process", mixinStandardHelpOptions = true,
        description = "Upload IMAGE, process it, stitch the result and download it to OUT (the whole job).")
final class ProcessCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Mixin
    JobOptions jobOptions;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "JPEG, PNG, TIFF or BigTIFF image.")
    Path image;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Where to write the result TIFF.")
    Path output;

    @Option(names = "--poll-interval", defaultValue = "250", description = "Status poll interval in ms (default ${DEFAULT-VALUE}).")
    long pollMillis;

    @Override
    public Integer call() {
        Instant start = Instant.now();
        ApiClient api = options.client();
        var err = spec.commandLine().getErr();
        ResumableUpload upload = new ResumableUpload(api.base(), api.token(), UploadStore.standard());
        java.util.concurrent.atomic.AtomicReference<String> created = new java.util.concurrent.atomic.AtomicReference<>();
        try (Interruption ignored = Interruption.explain(err, () -> created.get() == null
                ? Interruption.uploadStopped(image, upload) : Interruption.jobGoesOn(created.get()))) {
            return run(api, upload, created, start);
        }
    }

    private int run(ApiClient api, ResumableUpload upload, java.util.concurrent.atomic.AtomicReference<String> created,
                    Instant start) {
        JsonNode job = Jobs.upload(api, upload, image, jobOptions, options.quiet, spec.commandLine().getErr());
        String id = job.path("id").asText();
        created.set(id);
        var out = spec.commandLine().getOut();
        JsonNode img = job.path("image");
        out.printf("Job %s: %s %dx%d, %d patches%n", id, img.path("format").asText(), img.path("width").asInt(),
                img.path("height").asInt(), job.path("patches").path("total").asInt());
        out.flush();
        api.requestResult(id);
        job = Jobs.follow(api, id, options.quiet, pollMillis);
        Jobs.requireDone(job);
        long bytes = Jobs.download(api, id, output, options.quiet);
        out.printf("Wrote %s (%d bytes) in %s%n", output, bytes, Progress.seconds(Duration.between(start, Instant.now())));
        return LipCli.OK;
    }
}
