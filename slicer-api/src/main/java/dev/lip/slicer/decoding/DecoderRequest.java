package dev.lip.slicer.decoding;

import dev.lip.algorithms.JobStatistic;

import java.util.List;
import java.util.Set;

/**
 * What slicer-api asks of a decoder process, sent as one line of JSON on its standard input.
 *
 * @param operation   {@code probe} (read the header: size, layout, placement) or {@code slice}
 * @param image       the image's path: a file in the work directory or upload directory, or the real path of a
 *                    file under a source root as checked when the job was submitted
 * @param allowedDirs the opened file must lie in one of these (real paths), whatever happened to the path since
 * @param maxPixels   lip.max-pixels
 * @param wholeDecodeMaxPixels lip.progressive-jpeg-max-pixels
 * @param maxExpansion lip.max-expansion
 * @param slice       for {@code slice}: where and how; null for a probe
 * @param arrivingLength the image's length when it is an upload still arriving (sliced as its bytes come, issue
 *                    27), 0 when the file is whole
 */
public record DecoderRequest(String operation, String image, List<String> allowedDirs, long maxPixels,
                             long wholeDecodeMaxPixels, long maxExpansion, Slice slice, long arrivingLength) {
    public static final String PROBE = "probe", SLICE = "slice";

    public DecoderRequest(String operation, String image, List<String> allowedDirs, long maxPixels,
                          long wholeDecodeMaxPixels, long maxExpansion, Slice slice) {
        this(operation, image, allowedDirs, maxPixels, wholeDecodeMaxPixels, maxExpansion, slice, 0);
    }

    /**
     * @param resume  a slicing after a restart: patches already in the work directory are not written again
     * @param preview whether to write the input's preview pyramid (a first slicing only)
     */
    public record Slice(String workDir, String jobId, int tileSize, int overlap, Set<JobStatistic> statistics,
                        boolean preview, boolean resume, int threads) {
    }
}
