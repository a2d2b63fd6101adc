package dev.lip.formats.source;

/**
 * What a source may cost, set by the operator.
 *
 * @param maxPixels           images whose header claims more are refused before anything else is read
 *                            ({@code lip.max-pixels})
 * @param wholeDecodeMaxPixels formats that can only be decoded whole (progressive JPEG; interlaced PNG, which is held
 *                            as ints, gets a quarter of it) are refused above this ({@code lip.progressive-jpeg-max-pixels})
 */
public record SourceLimits(long maxPixels, long wholeDecodeMaxPixels) {
    public static final SourceLimits NONE = new SourceLimits(Long.MAX_VALUE, Long.MAX_VALUE);

    PixelLimit pixelLimit() {
        return new PixelLimit(maxPixels);
    }
}
