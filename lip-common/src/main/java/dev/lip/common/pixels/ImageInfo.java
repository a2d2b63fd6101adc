package dev.lip.common.pixels;

/**
 * What the slicer learnt of an input image from its header. {@code bands} counts what sources deliver after palette
 * expansion: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA, or up to {@link #MAX_BANDS} bands of a multispectral image (the
 * first three are taken as RGB where a luma is needed).
 *
 * @param sampleFormat how each sample is stored; null (a manifest written before the field existed) means unsigned
 *                     integers of {@code bitsPerSample} bits
 * @param nodata       the value the file marks as "no data" (GDAL's GDAL_NODATA tag, as written there: {@code -9999},
 *                     {@code nan}), or null; kept as text because JSON has no NaN
 */
public record ImageInfo(int width, int height, int bands, int bitsPerSample, String format, SampleFormat sampleFormat,
                        String nodata) {
    /** Multispectral scenes have a dozen bands or so (Sentinel-2: 13). */
    public static final int MAX_BANDS = 16;

    public ImageInfo {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, not " + width + " x " + height);
        }
        if (bands < 1 || bands > MAX_BANDS) {
            throw new IllegalArgumentException("images with " + bands + " bands are not supported (1 to " + MAX_BANDS + ")");
        }
        if (sampleFormat == null) {
            if (bitsPerSample != 8 && bitsPerSample != 16) {
                throw new IllegalArgumentException(bitsPerSample + " bits per sample are not supported (8 or 16)");
            }
            sampleFormat = bitsPerSample == 8 ? SampleFormat.UINT8 : SampleFormat.UINT16;
        } else if (sampleFormat.bits() != bitsPerSample) {
            throw new IllegalArgumentException(sampleFormat.label() + " samples have " + sampleFormat.bits()
                    + " bits, not " + bitsPerSample);
        }
    }

    /** An image of unsigned 8 or 16-bit samples without a nodata value: what JPEG, PNG and most TIFFs hold. */
    public ImageInfo(int width, int height, int bands, int bitsPerSample, String format) {
        this(width, height, bands, bitsPerSample, format, null, null);
    }

    public ImageInfo(int width, int height, int bands, SampleFormat sampleFormat, String format, String nodata) {
        this(width, height, bands, sampleFormat.bits(), format, sampleFormat, nodata);
    }

    public long pixels() {
        return (long) width * height;
    }
}
