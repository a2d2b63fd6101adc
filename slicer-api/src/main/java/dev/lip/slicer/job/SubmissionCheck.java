package dev.lip.slicer.job;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.SampleFormat;

import java.util.List;

/**
 * A submission checked before any byte of its image is sent (issue 26: a 38 MB upload, then "Unknown algorithm"):
 * the algorithm's parameters resolved against images it could be given. Some checks depend on the image itself (a
 * band past the image's bands, a statistic its samples cannot give); those are made when the image arrives. A
 * submission is refused here only when it fits none of the stand-in images, so no image that would be accepted after
 * its upload is refused before it.
 */
public final class SubmissionCheck {
    /** Stand-ins: the commonest image, and one of every band and a wider sample. */
    private static final List<ImageInfo> STAND_INS = List.of(
            new ImageInfo(4096, 4096, 3, SampleFormat.UINT8, "check", null),
            new ImageInfo(4096, 4096, ImageInfo.MAX_BANDS, SampleFormat.UINT16, "check", null),
            new ImageInfo(4096, 4096, 1, SampleFormat.FLOAT32, "check", "-9999"));

    private SubmissionCheck() {
    }

    /** @throws JobException (400) with the reason the submission cannot work for any image */
    public static void check(Submission submission) {
        Algorithm algorithm = Algorithms.byName(submission.algorithm()).orElseThrow(() -> JobException.invalid(
                "Unknown algorithm '" + submission.algorithm() + "'. Valid algorithms: " + Algorithms.names() + "."));
        IllegalArgumentException first = null;
        for (ImageInfo image : STAND_INS) {
            try {
                algorithm.settings(algorithm.resolve(submission.algorithmParameters(), image));
                return;
            } catch (IllegalArgumentException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw JobException.invalid(first.getMessage());
    }
}
