package dev.lip.slicer.job;

import dev.lip.common.protocol.ProcessorRoster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * An onnx job naming a model that none of the running processors has is refused at submission, before its upload
 * (issue 26: it used to fail after slicing, three attempts a patch). The processors say which models they have
 * through the work directory ({@link ProcessorRoster}); with none running yet, the job is accepted and waits for
 * them, as any job does. Processors in the distributed mode share no directory with slicer-api, so there a
 * missing model is still reported when a patch is processed.
 */
final class ModelCheck {
    /** Three missed renewals: a processor that stopped no longer counts. */
    private static final Duration FRESH = Duration.ofSeconds(35);
    private final Path workDir;

    ModelCheck(Path workDir) {
        this.workDir = workDir;
    }

    /** @throws JobException (400) naming the model and the models the running processors have */
    void check(Submission submission) {
        if (!"onnx".equals(submission.algorithm())) {
            return;
        }
        String model = submission.algorithmParameters().get("model");
        List<ProcessorRoster.Announcement> running = ProcessorRoster.current(workDir, FRESH);
        if (model == null || running.isEmpty() || running.stream().anyMatch(a -> a.models().contains(model))) {
            return;
        }
        TreeSet<String> have = new TreeSet<>();
        running.forEach(a -> have.addAll(a.models()));
        throw JobException.invalid("No running processor has the model '" + model + "' in its models directory "
                + "(lip.models-dir). " + (have.isEmpty() ? "They have no models: put the .onnx file there."
                : "They have: " + String.join(", ", have) + "."));
    }
}
