package dev.lip.algorithms;

import dev.lip.algorithms.blend.Blend;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One per-patch algorithm, whole: what it is called, its parameters (with types, defaults and validation), the halo
 * and the job-wide statistics it needs to give the whole-image answer, and the pixel work. Implementations are found
 * with {@link java.util.ServiceLoader} (listed in {@code META-INF/services/dev.lip.algorithms.Algorithm}), so adding
 * an algorithm is adding its class and one line there; no other class changes.
 *
 * <p>Both services use the same class: slicer-api validates a job's parameters at upload, sizes the halo, gathers the
 * statistics while slicing and turns them into job values; patch-processor calls {@link #process} per patch.
 * Implementations must be thread-safe; what they keep between patches (a loaded model, say) must not change results.
 *
 * <p>Two kinds of result: by default ({@link #blend} is {@link Blend#CROP}) {@link #process} returns the core as one
 * 8-bit band and the stitcher copies it. An algorithm that blends (a segmentation model with overlapping windows)
 * returns float predictions over the whole patch instead, one band per channel; the stitcher combines the
 * predictions that cover each output tile with the {@link Blend} weights and calls {@link #finish} on the means.
 */
public interface Algorithm {
    String name();

    String description();

    List<ParameterSpec> parameters();

    /**
     * Checks the parameters a user gave and fills in defaults, some of which may depend on the image.
     *
     * @param given only names listed by {@link #parameters()} (the API refuses others before calling this)
     * @return every parameter as a string, as stored in the job manifest
     * @throws IllegalArgumentException with a sentence naming the parameter and what is allowed
     */
    Map<String, String> resolve(Map<String, String> given, ImageInfo image);

    /** Pixels of context the algorithm needs around each core for an exact result. */
    default int requiredHalo(Map<String, String> parameters) {
        return 0;
    }

    /** Job-wide statistics the slicer must gather over the whole image before any patch may be processed. */
    default Set<JobStatistic> requiredStatistics() {
        return Set.of();
    }

    /**
     * Turns the gathered statistics into the job values {@link #process} reads (an Otsu threshold, say). Called once,
     * after slicing, only when {@link #requiredStatistics()} is not empty. The values are stored in the manifest's
     * {@code jobValues} and shown in the job status.
     */
    default Map<String, Object> jobValues(Map<String, String> parameters, JobStatistics statistics) {
        return Map.of();
    }

    /**
     * Processes one patch.
     *
     * @param patch      pixels of {@code tile.patch()}: the core and its halo, clipped to the image
     * @param parameters as returned by {@link #resolve}
     * @param jobValues  as returned by {@link #jobValues} (numbers may come back from JSON as any Number type)
     * @return pixels of {@code tile.core()}, one band of 8 bits
     */
    PixelRegion process(PixelRegion patch, Tile tile, Map<String, String> parameters, Map<String, Object> jobValues);

    /**
     * How overlapping results are combined. With {@link Blend#CROP} (the default) {@link #process} returns the core
     * as one 8-bit band; otherwise it returns 32-bit floats over all of {@code tile.patch()}.
     */
    default Blend blend(Map<String, String> parameters) {
        return Blend.CROP;
    }

    /**
     * Turns blended predictions into the 8-bit result; called by the stitcher when {@link #blend} blends.
     *
     * @param blended  weighted means, {@code channels} values a pixel, interleaved
     * @param out      one byte a pixel, {@code out.length} pixels
     */
    default void finish(double[] blended, int channels, byte[] out, Map<String, String> parameters) {
        throw new UnsupportedOperationException(name() + " does not blend");
    }

    /** How many patches the processor should hand to {@link #processBatch} at once. */
    default int batchSize(Map<String, String> parameters) {
        return 1;
    }

    /** Several patches of one job at once (one model call for all, say); by default one {@link #process} each. */
    default List<PixelRegion> processBatch(List<PixelRegion> patches, List<Tile> tiles, Map<String, String> parameters,
                                           Map<String, Object> jobValues) {
        List<PixelRegion> out = new ArrayList<>(patches.size());
        for (int i = 0; i < patches.size(); i++) {
            out.add(process(patches.get(i), tiles.get(i), parameters, jobValues));
        }
        return out;
    }

    /**
     * The processor's settings for algorithms ({@code models-dir}, {@code inference-threads}, {@code device}),
     * given once at start-up before any patch. slicer-api never calls it: it only validates and stitches.
     */
    default void configure(Map<String, String> settings) {
    }
}
