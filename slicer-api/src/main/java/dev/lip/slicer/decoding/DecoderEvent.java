package dev.lip.slicer.decoding;

import dev.lip.common.pixels.ImageInfo;
import dev.lip.formats.tiff.Placement;

/**
 * What a decoder process tells slicer-api, one line of JSON each on its standard output (its logs go to standard
 * error): the image's header, patches sliced, and how it ended.
 *
 * @param kind          {@link #INFO}, {@link #SLICED}, {@link #DONE}, {@link #REFUSED} (the file cannot be read: a
 *                      sentence for the user), {@link #FAILED} (something else went wrong: a sentence too) or
 *                      {@link #WAITING} (the image is still arriving: the decoder is alive, waiting for its bytes)
 * @param sliced        for SLICED: patches in the work directory so far
 * @param lumaHistogram for DONE: the job-wide statistics gathered, when asked for
 */
public record DecoderEvent(String kind, ImageInfo info, Placement placement, int sliced, long[] lumaHistogram,
                           String message) {
    public static final String INFO = "info", SLICED = "sliced", DONE = "done", REFUSED = "refused", FAILED = "failed",
            WAITING = "waiting";

    static DecoderEvent waiting() {
        return new DecoderEvent(WAITING, null, null, 0, null, null);
    }

    static DecoderEvent info(ImageInfo info, Placement placement) {
        return new DecoderEvent(INFO, info, placement, 0, null, null);
    }

    static DecoderEvent sliced(int n) {
        return new DecoderEvent(SLICED, null, null, n, null, null);
    }

    static DecoderEvent done(long[] histogram) {
        return new DecoderEvent(DONE, null, null, 0, histogram, null);
    }

    static DecoderEvent refused(String message) {
        return new DecoderEvent(REFUSED, null, null, 0, null, message);
    }

    static DecoderEvent failed(String message) {
        return new DecoderEvent(FAILED, null, null, 0, null, message);
    }
}
