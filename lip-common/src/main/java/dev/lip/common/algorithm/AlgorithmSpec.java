package dev.lip.common.algorithm;

import dev.lip.common.pixels.ImageInfo;

import java.util.List;
import java.util.Map;

/**
 * What both services must know of an algorithm: the slicer-api validates a job's parameters and sizes the halo at
 * upload; a processor runs the algorithm with the parameters this resolved. The pixel work itself lives in the
 * processor.
 */
public interface AlgorithmSpec {
    String name();

    String description();

    List<ParameterSpec> parameters();

    /**
     * Checks the parameters a user gave and fills in defaults, some of which depend on the image (the threshold's
     * middle of the sample range, say).
     *
     * @return every parameter, as strings, ready for the job manifest
     * @throws IllegalArgumentException with a sentence naming the bad parameter and what is allowed
     */
    Map<String, String> resolve(Map<String, String> given, ImageInfo image);

    /** Pixels of context around each patch the algorithm needs to give the whole-image answer. */
    default int requiredHalo(Map<String, String> resolved) {
        return 0;
    }
}
