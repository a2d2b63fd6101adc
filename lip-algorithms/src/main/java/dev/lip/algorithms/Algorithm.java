package dev.lip.algorithms;

import dev.lip.common.pixels.ImageInfo;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One per-patch algorithm as slicer-api and clients see it: its name, its parameters (types, defaults, checks), and,
 * through {@link #settings}, what one job of it needs around the pixel work: the halo, the job-wide statistics, how
 * overlapping results blend and how blended values become the result. The pixel work itself is the algorithm's
 * {@link Kernel}, which only the processor loads: descriptions are light (no native runtime), so slicer-api can list,
 * check and stitch every algorithm without shipping, say, ONNX Runtime.
 *
 * <p>Descriptions are found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.lip.algorithms.Algorithm}),
 * kernels the same way under {@code dev.lip.algorithms.Kernel}, matched by {@link #name()}. Adding an algorithm is
 * adding its classes and a line in each list.
 */
public interface Algorithm {
    String name();

    String description();

    List<ParameterSpec> parameters();

    /**
     * Checks the parameters a user gave and fills in defaults, some of which may depend on the image. Runs once, at
     * submission, so a bad value is a 400 before any slicing.
     *
     * @param given only names listed by {@link #parameters()} (the API refuses others before calling this)
     * @return every parameter as a string, as stored in the job manifest and the job's status
     * @throws IllegalArgumentException with a sentence naming the parameter and what is allowed
     */
    Map<String, String> resolve(Map<String, String> given, ImageInfo image);

    /**
     * Parses resolved parameters (what {@link #resolve} returned, read back from the manifest or the status) into
     * this algorithm's typed settings, once per job in each process that needs them.
     *
     * @throws IllegalArgumentException when the strings are not what {@link #resolve} writes (a damaged manifest)
     */
    JobSettings settings(Map<String, String> resolved);

    /** Job-wide statistics the slicer must gather over the whole image before any patch may be processed. */
    default Set<JobStatistic> requiredStatistics() {
        return Set.of();
    }
}
