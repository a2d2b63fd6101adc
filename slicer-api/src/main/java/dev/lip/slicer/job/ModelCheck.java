package dev.lip.slicer.job;

import dev.lip.common.protocol.ProcessorRoster;

import java.time.Duration;
import java.util.List;

/**
 * An onnx job naming a model that none of the running processors has is refused at submission, before its upload
 * (issue 26: it used to fail after slicing, three attempts a patch). The processors say which models they have
 * where slicer-api reads its patch queue ({@link dev.lip.common.transport.PatchQueue#announced}: the work
 * directory's {@code .processors/}, or the broker); with none running yet, the job is accepted and waits for them,
 * as any job does.
 */
final class ModelCheck {
    /** Three missed renewals (every 3 s): a processor that stopped no longer counts. */
    private static final Duration FRESH = Duration.ofSeconds(10);
    private final dev.lip.common.transport.PatchQueue queue;

    ModelCheck(dev.lip.common.transport.PatchQueue queue) {
        this.queue = queue;
    }

    /** @throws JobException (400) naming the model */
    void check(Submission submission) {
        if (!"onnx".equals(submission.algorithm())) {
            return;
        }
        String model = submission.algorithmParameters().get("model");
        List<ProcessorRoster.Announcement> running;
        try {
            running = queue.announced(FRESH);
        } catch (java.io.IOException e) {
            return; // the broker cannot be asked now: the job goes on, and a missing model is reported by the patches
        }
        if (model == null || running.isEmpty() || running.stream().anyMatch(a -> a.models().contains(model))) {
            return;
        }
        // which models they have stays in their logs, as for a model missing at processing: job errors are read
        // by API clients
        throw JobException.invalid("No running processor has the model '" + model + "' in its models directory "
                + "(lip.models-dir): put the .onnx file there (the processors see it within seconds); their logs "
                + "list the models they have.");
    }
}
