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
        description = "Upload IMAGE, process it, stitch the result and download it to%nOUT (the whole job). "
                + "IMAGE may be s3://bucket/key or file:///path%n(read by the server itself, nothing uploaded) and OUT%n"
                + "s3://bucket/key (uploaded by the server, nothing downloaded).")
final class ProcessCommand implements Callable<Integer> {
    @Mixin
    ApiOptions options;
    @Mixin
    JobOptions jobOptions;
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "The image: a file here, or s3://bucket/key,%nor file:///path on the server.")
    String image;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Where to write the result TIFF: a file here,%nor s3://bucket/key.")
    String output;

    @Option(names = "--poll-interval", defaultValue = "250", description = "Status poll interval in ms (default ${DEFAULT-VALUE}).")
    long pollMillis;

    @Override
    public Integer call() {
        Instant start = Instant.now();
        ApiClient api = options.client();
        var err = spec.commandLine().getErr();
        ResumableUpload upload = new ResumableUpload(api.base(), api.token(), UploadStore.standard());
        java.util.concurrent.atomic.AtomicReference<String> created = new java.util.concurrent.atomic.AtomicReference<>();
        try (Interruption ignored = Interruption.explain(err, () -> created.get() != null ? Interruption.jobGoesOn(created.get())
                : Jobs.isReference(image) ? "Stopped before the job was created." : Interruption.uploadStopped(Path.of(image), upload))) {
            return run(api, upload, created, start);
        }
    }

    private int run(ApiClient api, ResumableUpload upload, java.util.concurrent.atomic.AtomicReference<String> created,
                    Instant start) {
        boolean toObject = output.startsWith("s3://");
        java.util.Map<String, String> more = toObject ? java.util.Map.of("destination", output) : java.util.Map.of();
        JsonNode job = Jobs.isReference(image) ? Jobs.byReference(api, image, jobOptions, more)
                : Jobs.upload(api, upload, Path.of(image), jobOptions, more, options.quiet, spec.commandLine().getErr());
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
        if (toObject) { // the server uploaded it
            out.printf("Wrote %s (%d bytes) in %s%n", job.path("resultObject").path("url").asText(output),
                    job.path("resultObject").path("bytes").asLong(), Progress.seconds(Duration.between(start, Instant.now())));
            return LipCli.OK;
        }
        long bytes = Jobs.download(api, id, Path.of(output), options.quiet);
        out.printf("Wrote %s (%d bytes) in %s%n", output, bytes, Progress.seconds(Duration.between(start, Instant.now())));
        return LipCli.OK;
    }
}
