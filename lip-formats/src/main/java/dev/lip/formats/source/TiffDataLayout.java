package dev.lip.formats.source;

/**
 * Checks that every tile or strip of a TIFF points at data inside the file before any is decoded. The JDK's TIFF
 * reader decodes a tile whose byte count is 0 or 1, or whose deflate data is cut short, into zeros without a word,
 * so a damaged file ended DONE with invented black tiles; AlgART fails on some of these cases, not all.
 */
final class TiffDataLayout {
    private TiffDataLayout() {
    }

    /**
     * @param headerBytes 8 for TIFF, 16 for BigTIFF: no image data can start inside the header
     * @param compression the Compression tag's value
     */
    static void check(long[] offsets, long[] byteCounts, int compression, long fileSize, int headerBytes, boolean tiled)
            throws UnreadableImageException {
        String unit = tiled ? "tile" : "strip";
        if (offsets.length == 0 || byteCounts.length < offsets.length) {
            throw new UnreadableImageException("The TIFF lists " + offsets.length + " " + unit + " offsets and "
                    + byteCounts.length + " byte counts: its directory is damaged.");
        }
        long least = minimumBytes(compression);
        for (int i = 0; i < offsets.length; i++) {
            long offset = offsets[i];
            long count = byteCounts[i];
            if (count < least) {
                throw new UnreadableImageException("The TIFF's " + unit + " " + i + " of " + offsets.length + " holds "
                        + count + " bytes, too few for any " + unit + " in its compression: the file is damaged.");
            }
            if (offset < headerBytes || offset > fileSize || count > fileSize - offset) {
                throw new UnreadableImageException("The TIFF's " + unit + " " + i + " of " + offsets.length
                        + " lies at bytes " + offset + " to " + (offset + count) + " but the file has " + fileSize
                        + " bytes: the file is truncated or damaged.");
            }
        }
    }

    /**
     * The smallest stream that can decode to a whole tile: a zlib stream is at least 8 bytes (header, a block,
     * Adler-32), LZW at least a clear code, a code and an end code (4 bytes), a JPEG at least its SOI and EOI
     * markers; anything else at least 2.
     */
    private static long minimumBytes(int compression) {
        return switch (compression) {
            case 8, 32946 -> 8;
            case 5, 6, 7 -> 4;
            default -> 2;
        };
    }
}
