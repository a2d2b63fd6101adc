package dev.lip.formats.source;

/**
 * What a source may cost, set by the operator.
 *
 * @param maxPixels           images whose header claims more are refused before anything else is read
 *                            ({@code lip.max-pixels})
 * @param wholeDecodeMaxPixels formats that can only be decoded whole (progressive JPEG; interlaced PNG, which is held
 *                            as ints, gets a quarter of it) are refused above this ({@code lip.progressive-jpeg-max-pixels})
 * @param maxExpansion        images whose pixels take more than this many times the file's bytes are refused
 *                            ({@code lip.max-expansion}): a 548 KB ZSTD TIFF claiming 100000² once wrote 3.4 GB of
 *                            patches in 30 s. Deflate and LZW cannot exceed about 1000 times.
 */
public record SourceLimits(long maxPixels, long wholeDecodeMaxPixels, long maxExpansion) {
    public static final long DEFAULT_MAX_EXPANSION = 4096;
    public static final SourceLimits NONE = new SourceLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

    public SourceLimits(long maxPixels, long wholeDecodeMaxPixels) {
        this(maxPixels, wholeDecodeMaxPixels, DEFAULT_MAX_EXPANSION);
    }

    PixelLimit pixelLimit() {
        return new PixelLimit(maxPixels);
    }
}
