package dev.lip.processor.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings under {@code lip.*}.
 *
 * @param tempDir      the work directory shared with slicer-api
 * @param threads      worker threads (0: one per core)
 * @param pollInterval how long an idle processor waits before looking for new patches again
 * @param leaseTimeout must match slicer-api's; claims are renewed every third of it
 * @param maxAttempts  how often a patch may fail before it fails its job
 * @param modelsDir    where the onnx algorithm finds models (jobs name a file in it, never a path)
 * @param inferenceThreads threads ONNX Runtime uses inside one model call (each worker thread makes its own calls)
 * @param device       {@code auto} (CUDA when this build has it and a GPU answers, else the CPU), {@code cpu} or
 *                     {@code cuda}
 * @param queue        {@code filesystem} (the work directory, shared with slicer-api) or {@code artemis} (patches from
 *                     the broker at {@code spring.artemis.broker-url}; no shared volume)
 * @param store        {@code filesystem}, or {@code s3://bucket/prefix} with {@code lip.queue=artemis}
 */
@ConfigurationProperties("lip")
public record ProcessorProperties(
        @DefaultValue("temp") Path tempDir,
        @DefaultValue("0") int threads,
        @DefaultValue("100ms") Duration pollInterval,
        @DefaultValue("30s") Duration leaseTimeout,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("models") Path modelsDir,
        @DefaultValue("1") int inferenceThreads,
        @DefaultValue("auto") String device,
        @DefaultValue("filesystem") String queue,
        @DefaultValue("filesystem") String store) {

    public ProcessorProperties {
        if (!java.util.List.of("auto", "cpu", "cuda").contains(device)) {
            throw new IllegalArgumentException("lip.device must be auto, cpu or cuda, not '" + device + "'");
        }
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
