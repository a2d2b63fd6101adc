package dev.lip.algorithms;

import java.util.Map;

/**
 * The pixel work of one algorithm, loaded only by the processor ({@link java.util.ServiceLoader}, under
 * {@code META-INF/services/dev.lip.algorithms.Kernel}); its {@link #name()} is its {@link Algorithm}'s.
 * Implementations must be thread-safe; what they keep between jobs (a loaded model, say) must not change results.
 */
public interface Kernel {
    String name();

    /**
     * The processor's settings for kernels ({@code models-dir}, {@code inference-threads}, {@code device}), given
     * once at start-up before any job.
     */
    default void configure(Map<String, String> processorSettings) {
    }

    /**
     * Prepares the work of one job, once per job and processor: reads the job values, loads what the job needs.
     *
     * @param settings  what the algorithm's {@link Algorithm#settings} parsed from the job's manifest
     * @param jobValues as {@link JobSettings#jobValues} returned (numbers may come back from JSON as any Number type)
     * @throws IllegalArgumentException or IllegalStateException with a sentence when the job cannot run here (the
     *                                  processor fails its patches with that reason)
     */
    PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues);

    /** The settings as this kernel's own type; a mismatch is a wiring error between description and kernel. */
    static <S extends JobSettings> S settingsOf(JobSettings settings, Class<S> type, String algorithm) {
        if (!type.isInstance(settings)) {
            throw new IllegalStateException(algorithm + " was given " + settings.getClass().getName()
                    + " settings instead of " + type.getName());
        }
        return type.cast(settings);
    }
}
