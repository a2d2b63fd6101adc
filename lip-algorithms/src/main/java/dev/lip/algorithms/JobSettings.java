package dev.lip.algorithms;

import dev.lip.algorithms.blend.Blend;

import java.util.Map;

/**
 * One job's parameters, parsed and typed (each algorithm has its own record), and the decisions that follow from them
 * outside the pixel work: slicer-api reads the halo, the statistics' job values, the blend and {@link #finish}; the
 * processor reads the batch size and hands the settings to the algorithm's {@link Kernel}.
 */
public interface JobSettings {

    /** Pixels of context the algorithm needs around each core for an exact result. */
    default int halo() {
        return 0;
    }

    /**
     * Turns the statistics gathered while slicing into the job values the kernel reads (an Otsu threshold, say).
     * Called once, after slicing, only when {@link Algorithm#requiredStatistics()} is not empty; the values are
     * stored in the manifest's {@code jobValues} and shown in the job status.
     */
    default Map<String, Object> jobValues(JobStatistics statistics) {
        return Map.of();
    }

    /**
     * How overlapping results are combined. With {@link Blend#CROP} (the default) the kernel returns the core as one
     * 8-bit band and the stitcher copies it; otherwise the kernel returns 32-bit floats over the whole patch, one
     * band per channel, and the stitcher blends them and calls {@link #finish} on the means.
     */
    default Blend blend() {
        return Blend.CROP;
    }

    /**
     * Turns blended predictions into the 8-bit result; called by the stitcher when {@link #blend} blends.
     *
     * @param blended weighted means, {@code channels} values a pixel, interleaved
     * @param out     one byte a pixel, {@code out.length} pixels
     */
    default void finish(double[] blended, int channels, byte[] out) {
        throw new UnsupportedOperationException("this algorithm does not blend");
    }

    /**
     * Whether the result's values are categories (class labels) rather than amounts (a mask, a probability): a
     * reduced level of the result's pyramid then takes one pixel of each 2×2 instead of their mean, which would be no
     * class at all.
     */
    default boolean categorical() {
        return false;
    }

    /** How many patches the processor hands to {@link PatchKernel#processBatch} at once. */
    default int batchSize() {
        return 1;
    }
}
