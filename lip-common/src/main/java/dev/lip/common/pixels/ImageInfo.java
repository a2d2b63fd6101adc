package dev.lip.common.pixels;

/**
 * What the slicer learnt of an input image from its header. {@code bands} counts what sources deliver after palette
 * expansion: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA, or up to {@link #MAX_BANDS} bands of a multispectral image (the
 * first three are taken as RGB where a luma is needed). Samples are unsigned, 8 or 16 bits.
 */
public record ImageInfo(int width, int height, int bands, int bitsPerSample, String format) {
    /** Multispectral scenes have a dozen bands or so (Sentinel-2: 13). */
    public static final int MAX_BANDS = 16;

    public ImageInfo {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, not " + width + " x " + height);
        }
        if (bands < 1 || bands > MAX_BANDS) {
            throw new IllegalArgumentException("images with " + bands + " bands are not supported (1 to " + MAX_BANDS + ")");
        }
        if (bitsPerSample != 8 && bitsPerSample != 16) {
            throw new IllegalArgumentException(bitsPerSample + " bits per sample are not supported (8 or 16)");
        }
    }

    public long pixels() {
        return (long) width * height;
    }
}
