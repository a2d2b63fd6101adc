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
 */
@ConfigurationProperties("lip")
public record ProcessorProperties(
        @DefaultValue("temp") Path tempDir,
        @DefaultValue("0") int threads,
        @DefaultValue("100ms") Duration pollInterval,
        @DefaultValue("30s") Duration leaseTimeout,
        @DefaultValue("3") int maxAttempts) {

    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
